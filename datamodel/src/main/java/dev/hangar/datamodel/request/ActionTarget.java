package dev.hangar.datamodel.request;

/** The resource an action applies to; both fields may be null. */
public record ActionTarget(String fullName, String fullAddress) {}
