package dev.hangar.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.util.List;
import java.util.Map;

/**
 * The context messages of the contract and the JSON of CloudShell's driver context classes map
 * field for field: the proto field names are the JSON names ({@code server_address},
 * {@code app_context}, ...), which a test holds against the datamodel records. So one walk over
 * the message descriptors converts both ways, and a field added to both sides needs no code.
 *
 * <p>JSON to proto is as lenient as the in-process driver is with a context file: scalars of any
 * JSON type become strings, an app document given as an object becomes its JSON text, unknown
 * keys are ignored. Proto to JSON leaves out unset messages (no reservation: null, as in JSON);
 * strings arrive as they are, "" included, as the platform sends empty attributes.
 */
public final class ContextMessages {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ContextMessages() {}

  /** Fills {@code builder} from a context JSON object; a value of the wrong shape is an error. */
  public static <B extends Message.Builder> B fromJson(JsonNode json, B builder, String where) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    Descriptor d = builder.getDescriptorForType();
    for (FieldDescriptor f : d.getFields()) {
      JsonNode v = json.get(f.getName());
      if (v == null || v.isNull()) {
        continue;
      }
      String at = where + "." + f.getName();
      if (f.isMapField()) {
        putMap(builder, f, v, at);
      } else if (f.isRepeated()) {
        if (!v.isArray()) {
          throw new IllegalArgumentException(at + " must be a JSON array");
        }
        int i = 0;
        for (JsonNode item : v) {
          builder.addRepeatedField(f, fromJson(item, builder.newBuilderForField(f),
              at + "[" + i++ + "]").build());
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        builder.setField(f, fromJson(v, builder.newBuilderForField(f), at).build());
      } else if (f.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
        builder.setField(f, v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(
            v.asText()));
      } else {
        builder.setField(f, text(v));
      }
    }
    return builder;
  }

  /** The context JSON of a message (what the driver reads). */
  public static ObjectNode toJson(MessageOrBuilder message) {
    ObjectNode out = NODES.objectNode();
    for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
      if (f.isMapField()) {
        ObjectNode map = out.putObject(f.getName());
        for (Object e : (List<?>) message.getField(f)) {
          MapEntry<?, ?> entry = (MapEntry<?, ?>) e;
          map.put(String.valueOf(entry.getKey()), String.valueOf(entry.getValue()));
        }
      } else if (f.isRepeated()) {
        ArrayNode array = out.putArray(f.getName());
        for (Object item : (List<?>) message.getField(f)) {
          array.add(toJson((MessageOrBuilder) item));
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (message.hasField(f)) {
          out.set(f.getName(), toJson((MessageOrBuilder) message.getField(f)));
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
        out.put(f.getName(), (Boolean) message.getField(f));
      } else {
        out.put(f.getName(), (String) message.getField(f));
      }
    }
    return out;
  }

  private static void putMap(Message.Builder builder, FieldDescriptor f, JsonNode v, String at) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(at + " must be a JSON object of names and values");
    }
    Descriptor entry = f.getMessageType();
    FieldDescriptor key = entry.findFieldByName("key");
    FieldDescriptor value = entry.findFieldByName("value");
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      Message.Builder b = builder.newBuilderForField(f);
      b.setField(key, e.getKey());
      b.setField(value, e.getValue().isNull() ? "" : text(e.getValue()));
      builder.addRepeatedField(f, b.build());
    }
  }

  /** A scalar as its text ("True", "600"); an object or array (an app document) as JSON text. */
  private static String text(JsonNode v) {
    return v.isContainerNode() ? v.toString() : v.asText();
  }
}
