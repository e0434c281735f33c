package dev.hangar.datamodel.internal;

import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Error messages for unreadable input that name the field, never its value (it may be a secret). */
public final class ErrorMessages {
  private ErrorMessages() {}

  /** Where and what, without the offending value. */
  public static String describe(DatabindException e) {
    StringBuilder path = new StringBuilder();
    if (e instanceof JsonMappingException jme) {
      for (JsonMappingException.Reference ref : jme.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
    }
    String what = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mie
        && mie.getTargetType() != null
        ? "expected " + expected(mie.getTargetType())
        : "cannot be read";
    return (path.length() == 0 ? "the document" : "field " + path) + " " + what;
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object (" + type.getSimpleName() + ")";
  }

}
