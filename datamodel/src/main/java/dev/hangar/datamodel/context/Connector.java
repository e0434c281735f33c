package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.hangar.datamodel.internal.LenientStringMapDeserializer;
import java.util.Map;

/** A connector (visual connection) of the resource, as the platform passes it in the context. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Connector(
    String source,
    String target,
    String targetFamily,
    String targetModel,
    String targetType,
    @JsonDeserialize(using = LenientStringMapDeserializer.class) Map<String, String> targetAttributes,
    String alias,
    @JsonDeserialize(using = LenientStringMapDeserializer.class) Map<String, String> attributes,
    String connectionType,
    String direction) {}
