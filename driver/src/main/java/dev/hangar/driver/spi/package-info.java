/**
 * The backend SPI. A {@link dev.hangar.driver.spi.BackendProvider} (found through
 * {@link java.util.ServiceLoader} or put in a {@link dev.hangar.driver.spi.BackendRegistry} by
 * hand) serves one Cloud Type and its deployment paths; for each command it opens a
 * {@link dev.hangar.driver.spi.Backend} with up to three parts: compute (every cloud), an L2 fabric
 * (VLANs on vNICs) and an L3 fabric (sandbox subnets, keys, security groups).
 *
 * <p>Backends keep state in the cloud (domain metadata, tags), never in memory between commands;
 * roll back what a failed or cancelled multi-step operation made, in reverse order; treat
 * "already gone" as success on delete and disconnect.
 */
package dev.hangar.driver.spi;
