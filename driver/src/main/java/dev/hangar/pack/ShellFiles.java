package dev.hangar.pack;

import dev.hangar.options.DeploymentOption;
import dev.hangar.options.ProviderModel;
import java.util.Locale;

/** The names of the files in the shell package, and of the package itself. */
public final class ShellFiles {
  /** The version the package declares (TOSCA template_version, driver metadata). */
  public static final String VERSION = "0.1.0";
  public static final String AUTHOR = "Hangar";

  public static final String TOSCA_META = "TOSCA-Metadata/TOSCA.meta";
  public static final String SHELL_DEFINITION = "shell-definition.yaml";
  public static final String ICON = "shell-icon.png";
  /** The driver artifact: drivermetadata.xml and the Python driver. */
  public static final String DRIVER_ZIP = driverName() + ".zip";
  public static final String DEPLOYMENTS_ZIP = "Deployments.zip";
  public static final String DRIVER_METADATA = "drivermetadata.xml";

  private ShellFiles() {}

  /** {@code HangarCloudProviderDriver}: the driver's name in its metadata and artifact. */
  public static String driverName() {
    return compact(ProviderModel.NAME) + "Driver";
  }

  /** {@code HangarCloudProvider.zip}: the model name without spaces. */
  public static String packageFileName() {
    return compact(ProviderModel.NAME) + ".zip";
  }

  /** The TOSCA node type of a model: {@code vendor.resource.<model>}. */
  public static String nodeType(String model) {
    return "vendor.resource." + model;
  }

  /** {@code kvm-vm-from-template.yaml}: the file of a deployment path inside Deployments.zip. */
  public static String deploymentFileName(DeploymentOption option) {
    String slug = option.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
        .replaceAll("(^-|-$)", "");
    return slug + ".yaml";
  }

  private static String compact(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "");
  }
}
