package dev.hangar.datamodel.request;

/**
 * A saved app's artifact as the platform keeps it ({@code artifactRef} finds it in the cloud: a
 * template volume, an image id); SaveApp returns them, DeleteSavedApp brings them back.
 */
public record Artifact(String artifactRef, String artifactName) {}
