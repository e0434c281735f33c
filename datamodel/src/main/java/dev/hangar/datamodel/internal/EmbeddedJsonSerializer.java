package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;

/** Writes a document as a string holding its JSON, the way the platform sends app_context. */
public final class EmbeddedJsonSerializer extends JsonSerializer<Object> {
  @Override
  public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers)
      throws IOException {
    gen.writeString(((ObjectMapper) gen.getCodec()).writeValueAsString(value));
  }
}
