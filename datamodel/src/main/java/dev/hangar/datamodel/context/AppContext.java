package dev.hangar.datamodel.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.hangar.datamodel.app.AppRequest;
import dev.hangar.datamodel.app.DeployedApp;
import dev.hangar.datamodel.internal.EmbeddedJsonDeserializer;
import dev.hangar.datamodel.internal.EmbeddedJsonSerializer;

/**
 * The app documents of a resource context. The platform sends each as a string holding JSON
 * (an empty string when there is none); objects are accepted too. Written back as strings.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AppContext(
    @JsonDeserialize(using = EmbeddedJsonDeserializer.class)
    @JsonSerialize(using = EmbeddedJsonSerializer.class)
        AppRequest appRequestJson,
    @JsonDeserialize(using = EmbeddedJsonDeserializer.class)
    @JsonSerialize(using = EmbeddedJsonSerializer.class)
        DeployedApp deployedAppJson) {}
