package dev.hangar.datamodel.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.LenientStringDeserializer;

/** A {@code {name, value}} pair of the app JSON documents ({@code id} only in vmCustomParams). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NameValue(
    String id,
    String name,
    @JsonDeserialize(using = LenientStringDeserializer.class) String value) {
  public static NameValue of(String name, String value) {
    return new NameValue(null, name, value);
  }
}
