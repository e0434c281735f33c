package dev.hangar.host;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * How many actions a request JSON holds, for the host's log line: the entries of
 * {@code driverRequest.actions}, of GetVmDetails' {@code items}, or of a bare array. It streams
 * over the text without building it (the driver parses it properly); unreadable text counts 0.
 */
final class ActionCount {
  private static final JsonFactory JSON = new JsonFactory();

  private ActionCount() {}

  static int of(String json) {
    if (json == null || json.isBlank()) {
      return 0;
    }
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        return entries(p);
      }
      if (t != JsonToken.START_OBJECT) {
        return 0;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals("items") && t == JsonToken.START_ARRAY) {
          return entries(p);
        }
        if (name.equals("driverRequest") && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean actions = p.currentName().equals("actions");
            if (p.nextToken() == JsonToken.START_ARRAY && actions) {
              return entries(p);
            }
            p.skipChildren();
          }
          return 0;
        }
        p.skipChildren();
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Counts the entries of the array whose start the parser is on. */
  private static int entries(JsonParser p) throws IOException {
    int n = 0;
    for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
      n++;
      p.skipChildren();
    }
    return n;
  }
}
