package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.LenientStringDeserializer;

/**
 * A name/value pair of a request ({@code attributeName}/{@code attributeValue}). Senders tag it
 * {@code attribute}, {@code attributes}, {@code connectorAttribute}, {@code vlanServiceAttribute}
 * or {@code customAttribute}; the tag is ignored. Values that arrive as JSON booleans or numbers
 * read as the strings a server would send ({@code "True"}, {@code "600"}).
 */
public record Attribute(
    @JsonProperty("attributeName") String name,
    @JsonProperty("attributeValue") @JsonDeserialize(using = LenientStringDeserializer.class)
        String value) {}
