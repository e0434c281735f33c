/**
 * Deployment options as data: one {@link dev.hangar.options.DeploymentOption} per deployment path,
 * plus the provider resource's own attributes ({@link dev.hangar.options.ProviderModel}). The
 * driver reads typed values through them ({@link dev.hangar.options.AttributeValues}); the shell
 * package's yamls are generated from the same descriptors.
 */
package dev.hangar.options;
