package dev.hangar.pack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One deployment path yaml per {@link DeploymentOption}: node type
 * {@code vendor.resource.<path name>} derived from {@code cloudshell.nodes.CustomDeploymentOption},
 * its attributes tagged {@code user_input} where blueprint designers set them per app.
 */
public final class DeploymentPathYaml {
  /**
   * Attributes that choose what the app is (its image): editable in the app template only, not
   * per deployed app in a sandbox, as the platform's own image attributes are. A test checks that
   * every name here belongs to some deployment path, so a rename cannot leave it stale.
   */
  public static final Set<String> APP_TEMPLATE_ONLY =
      Set.of("Template", "Kernel", "Initrd", "AWS AMI Id");

  public static final String USER_INPUT = "user_input";
  public static final String APP_TEMPLATE_ONLY_TAG = "editable_only_in_app_template";

  private DeploymentPathYaml() {}

  /** The yaml text of one deployment path. */
  public static String generate(DeploymentOption option) {
    ObjectNode doc = ToscaYaml.document(option.name(), option.description()
        + " Cloud Type " + option.cloudType() + ". Generated from Hangar's deployment-options"
        + " descriptors.");
    ObjectNode type = doc.putObject("node_types").putObject(ShellFiles.nodeType(option.name()));
    type.put("derived_from", "cloudshell.nodes.CustomDeploymentOption");
    ObjectNode properties = type.putObject("properties");
    for (AttributeSpec a : option.attributes()) {
      properties.set(a.name(), ToscaYaml.property(a, tags(a)));
    }
    ShellDefinition.artifact(type.putObject("artifacts"), "icon", ShellFiles.ICON);
    return ToscaYaml.write(doc);
  }

  /** The tags of an attribute: user_input, and app-template-only for image choices. */
  public static List<String> tags(AttributeSpec a) {
    List<String> tags = new ArrayList<>();
    if (a.userInput()) {
      tags.add(USER_INPUT);
      if (APP_TEMPLATE_ONLY.contains(a.name())) {
        tags.add(APP_TEMPLATE_ONLY_TAG);
      }
    }
    return tags;
  }

  /** Every deployment path, in {@link DeploymentOptions#all()} order. */
  public static List<DeploymentOption> options() {
    return DeploymentOptions.all();
  }
}
