/**
 * The shell package a platform admin imports: {@code shell-definition.yaml} (the provider model),
 * one deployment path yaml per {@link dev.hangar.options.DeploymentOption}, the command list
 * ({@code drivermetadata.xml}), the icon and the driver, zipped as {@link ShellPackager} lays them
 * out. Everything is generated from the descriptors in {@code deployment-options/} and from
 * {@link dev.hangar.driver.Command}, so the package cannot drift from what the driver reads.
 */
package dev.hangar.pack;
