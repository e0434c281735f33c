package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.designer.AttributeHint;
import dev.hangar.datamodel.designer.AttributeHintsRequest;
import dev.hangar.datamodel.designer.ValidateAttributesRequest;
import dev.hangar.datamodel.result.GenericResult;
import dev.hangar.datamodel.result.ResultTypes;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeType;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.InvalidAttributeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * validate_attributes and get_attribute_hints, the blueprint designer's checks of an app
 * template's deployment path attributes (the vCenter 2G shell's names and shapes). What needs no
 * cloud is checked here, first: the path is one of this provider's, every attribute is the path's
 * and of its type, CPU and RAM positive, Kernel and Initrd absolute paths, the image attribute
 * given; then, when those pass, the backend's {@link AttributeAdvisor} (if it has one) checks them
 * against the cloud.
 */
public final class DesignerCommands {
  /** Attributes that must be positive (a VM needs a CPU and memory). */
  private static final Set<String> POSITIVE = Set.of("CPU", "RAM");
  /** Attributes that are paths on the hypervisor. */
  private static final Set<String> ABSOLUTE = Set.of("Kernel", "Initrd");
  /** The attribute each path deploys from: without it Deploy cannot start. */
  private static final Set<String> REQUIRED = Set.of("Template", "Kernel", "AWS AMI Id", "Image");

  private final WireCodec codec;

  public DesignerCommands(WireCodec codec) {
    this.codec = codec;
  }

  /**
   * Returns {@code {"type":"ValidateAttributes","actionId",...,"success":true}} when the
   * attributes deploy; otherwise fails with every problem listed, one per line (the platform shows
   * the message when the designer saves the app template).
   */
  public String validate(CommandRun run, String requestJson) {
    ValidateAttributesRequest request =
        CommandRun.read(() -> codec.readValidateAttributes(requestJson));
    DeploymentOption option = run.resolver().option(run.provider(), request.deploymentPath());
    Map<String, String> attributes = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (ValidateAttributesRequest.Value v : request.attributes()) {
      if (v == null || v.name() == null) {
        continue;
      }
      String name = plain(v.name(), request.deploymentPath(), option);
      if (option.attribute(name).isEmpty()) {
        // A name under the path that the path does not have is a mistake; one outside it (an
        // app resource's "User") is not the path's to judge.
        if (!name.equals(v.name())) {
          problems.add("'" + name + "' is not an attribute of deployment path '"
              + option.name() + "'");
        }
        continue;
      }
      attributes.put(name, v.value() == null ? "" : v.value());
    }
    problems.addAll(staticProblems(option, attributes));
    String id = request.actionId() == null ? "" : request.actionId();
    return Guard.call(run, () -> {
      // The cloud is asked only about values that are well formed.
      Optional<AttributeAdvisor> advisor = problems.isEmpty() ? run.backend().attributeAdvisor()
          : Optional.empty();
      if (advisor.isPresent()) {
        problems.addAll(advisor.get().validate(option, attributes, run.scope()));
      }
      if (!problems.isEmpty()) {
        throw new ClientException("the attributes of deployment path '" + option.name()
            + "' do not deploy:\n- " + String.join("\n- ", problems));
      }
      return codec.write(new GenericResult(ResultTypes.VALIDATE_ATTRIBUTES, id, true, "", ""));
    });
  }

  /**
   * Returns {@code [{"AttributeName":"<path>.<attr>","Values":[..]}]}: the attribute's allowed
   * values when its descriptor fixes them, else what the backend's advisor lists on the cloud;
   * {@code []} when there is no list for it.
   */
  public String hints(CommandRun run, String requestJson) {
    AttributeHintsRequest request = CommandRun.read(() -> codec.readAttributeHints(requestJson));
    DeploymentOption option = run.resolver().option(run.provider(), request.deploymentPath());
    String name = plain(request.attributeName(), request.deploymentPath(), option);
    AttributeSpec spec = option.attribute(name).orElseThrow(() -> new ClientException("'"
        + name + "' is not an attribute of deployment path '" + option.name() + "'"));
    Map<String, String> filled = new LinkedHashMap<>();
    for (AttributeHint h : request.attributeValues()) {
      if (h != null && h.name() != null && !h.values().isEmpty()) {
        filled.put(plain(h.name(), request.deploymentPath(), option), h.values().get(0));
      }
    }
    return Guard.call(run, () -> {
      List<String> values = spec.allowedValues();
      if (values.isEmpty()) {
        Optional<AttributeAdvisor> advisor = run.backend().attributeAdvisor();
        values = advisor.isEmpty() ? List.of()
            : advisor.get().hints(option, name, filled, run.scope());
      }
      return values.isEmpty() ? "[]" : codec.write(List.of(new AttributeHint(
          request.deploymentPath() + "." + name, values)));
    });
  }

  /** What is wrong without asking the cloud. */
  static List<String> staticProblems(DeploymentOption option, Map<String, String> attributes) {
    List<String> problems = new ArrayList<>();
    AttributeValues values = new AttributeValues("deployment path '" + option.name() + "'",
        option.attributes(), attributes::get);
    for (AttributeSpec spec : option.attributes()) {
      try {
        check(spec, values, attributes.get(spec.name()));
      } catch (InvalidAttributeException | ClientException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  private static void check(AttributeSpec spec, AttributeValues values, String raw) {
    String name = spec.name();
    if (REQUIRED.contains(name) && (raw == null || raw.isBlank())) {
      throw new ClientException("attribute '" + name + "' is empty; the app deploys from it");
    }
    if (spec.type() == AttributeType.NUMERIC) {
      long n = values.number(spec);
      if (POSITIVE.contains(name) ? n <= 0 : n < 0) {
        throw new ClientException("attribute '" + name + "' must be " + (POSITIVE.contains(name)
            ? "more than 0" : "0 or more") + " (got " + n + ")");
      }
    } else if (spec.type() == AttributeType.BOOLEAN) {
      values.bool(spec);
    } else if (!spec.isSecret()) {
      values.string(spec);
    }
    if (ABSOLUTE.contains(name) && raw != null && !raw.isBlank() && !raw.strip().startsWith("/")) {
      throw new ClientException("attribute '" + name + "' must be an absolute path on the"
          + " hypervisor (starting with /)");
    }
  }

  /** An attribute name without its path: {@code "<DeploymentPath>.CPU"} or plain {@code CPU}. */
  private static String plain(String name, String deploymentPath, DeploymentOption option) {
    for (String prefix : List.of(deploymentPath + ".", option.name() + ".")) {
      if (name.startsWith(prefix)) {
        return name.substring(prefix.length());
      }
    }
    return name;
  }
}
