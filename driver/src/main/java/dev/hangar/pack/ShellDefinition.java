package dev.hangar.pack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.ProviderModel;
import java.util.List;

/**
 * {@code shell-definition.yaml}: the provider model {@code vendor.resource.Hangar Cloud Provider},
 * derived from {@code cloudshell.nodes.CustomCloudProvider}, with every attribute of
 * {@link ProviderModel} declared twice: under {@code properties} (what the resource has) and under
 * the auto-discovery capability (what the admin fills in when creating the resource).
 */
public final class ShellDefinition {
  /** The platform's own auto-discovery properties, declared beside the attributes. */
  public static final List<String> AUTO_DISCOVERY_STANDARD = List.of("enable_auto_discovery",
      "auto_discovery_description", "inventory_description");
  static final List<String> PROVIDER_TAGS = List.of("setting", "configuration");

  private ShellDefinition() {}

  /** The yaml text, generated from {@link ProviderModel#attributes()}. */
  public static String generate() {
    return generate(ProviderModel.NAME, ProviderModel.attributes());
  }

  static String generate(String model, List<AttributeSpec> attributes) {
    ObjectNode doc = ToscaYaml.document(model, "Hangar: one cloud provider for KVM (libvirt and"
        + " Open vSwitch, L2), AWS EC2/VPC (L3) and OpenStack; the Cloud Type attribute selects"
        + " the backend. Generated from Hangar's deployment-options descriptors.");
    ObjectNode type = doc.putObject("node_types").putObject(ShellFiles.nodeType(model));
    type.put("derived_from", "cloudshell.nodes.CustomCloudProvider");
    ObjectNode properties = type.putObject("properties");
    for (AttributeSpec a : attributes) {
      properties.set(a.name(), ToscaYaml.property(a, PROVIDER_TAGS));
    }
    ObjectNode capabilities = type.putObject("capabilities");
    // The driver serves many commands at once (parallel Deploys): say so to the platform.
    capabilities.putObject("concurrent_command_capability")
        .put("type", "cloudshell.capabilities.SupportConcurrentCommands");
    ObjectNode discovery = capabilities.putObject("auto_discovery_capability");
    discovery.put("type", "cloudshell.capabilities.AutoDiscovery");
    ObjectNode dp = discovery.putObject("properties");
    dp.putObject("enable_auto_discovery").put("type", "boolean").put("default", true);
    dp.putObject("auto_discovery_description").put("type", "string")
        .put("default", "Checks the provider's attributes against the live cloud"
            + " (get_inventory).");
    dp.putObject("inventory_description").put("type", "string")
        .put("default", "A Hangar cloud provider: KVM, AWS or OpenStack.");
    for (AttributeSpec a : attributes) {
      dp.set(a.name(), ToscaYaml.property(a, null));
    }
    ObjectNode artifacts = type.putObject("artifacts");
    artifact(artifacts, "icon", ShellFiles.ICON);
    artifact(artifacts, "driver", ShellFiles.DRIVER_ZIP);
    artifact(artifacts, "deployment", ShellFiles.DEPLOYMENTS_ZIP);
    return ToscaYaml.write(doc);
  }

  static void artifact(ObjectNode artifacts, String name, String file) {
    artifacts.putObject(name).put("file", file).put("type", ToscaYaml.FILE_ARTIFACT);
  }
}
