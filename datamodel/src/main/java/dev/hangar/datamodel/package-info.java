/**
 * The CloudShell cloud provider JSON wire protocol.
 *
 * <p>{@link dev.hangar.datamodel.WireCodec} reads what real servers send and writes what they
 * expect. Request actions live in {@code request}, results in {@code result}, the driver context
 * classes in {@code context} and the app JSON documents ({@code appRequestJson},
 * {@code deployedAppJson}) in {@code app}.
 */
package dev.hangar.datamodel;
