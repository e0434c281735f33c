package dev.hangar.driver.aws;

import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.LocationType;

/**
 * validate_attributes and get_attribute_hints of {@code AWS EC2 Instance} against the region:
 * the AMI exists and is available, the instance type (the path's, else the provider's default)
 * is one EC2 has in the region, and Custom Tags parse as Deploy will read them. Hints: the
 * account's own available AMIs for {@code AWS AMI Id}, the types offered in the region for
 * {@code Instance Type}. Other paths and attributes: nothing to say.
 */
final class Ec2AttributeAdvisor implements AttributeAdvisor {
  static final String AMI = "AWS AMI Id";
  static final String TYPE = "Instance Type";
  static final String TAGS = "Custom Tags";
  private final Ec2Session s;

  Ec2AttributeAdvisor(Ec2Session s) {
    this.s = s;
  }

  @Override
  public List<String> validate(DeploymentOption option, Map<String, String> attributes,
      CommandScope scope) {
    if (!DeploymentOptions.AWS_EC2_INSTANCE.name().equals(option.name())) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    String region = s.settings().region();
    String ami = value(attributes, AMI);
    if (ami.isEmpty()) {
      problems.add(AMI + " is empty; set the AMI to launch (ami-...)");
    } else {
      Optional<Image> image = image(ami);
      if (image.isEmpty()) {
        problems.add(AMI + " '" + ami + "' does not exist in region " + region
            + " (or this account cannot launch it)");
      } else if (image.get().state() != ImageState.AVAILABLE) {
        problems.add(AMI + " '" + ami + "' is " + image.get().stateAsString()
            + ", not available");
      }
    }
    String type = value(attributes, TYPE);
    String where = TYPE;
    if (type.isEmpty()) {
      type = s.settings().defaultInstanceType();
      where = TYPE + " (empty; the cloud provider's default)";
    }
    if (type.isEmpty()) {
      problems.add(TYPE + " is empty and cloud provider '" + s.settings().providerName()
          + "' has no default Instance Type; set one of them");
    } else if (!typeExists(type)) {
      problems.add(where + " '" + type + "' is not an instance type of region " + region);
    }
    try {
      Tags.parseCustom(attributes.get(TAGS));
    } catch (IllegalArgumentException e) {
      problems.add(TAGS + ": " + e.getMessage());
    }
    return problems;
  }

  @Override
  public List<String> hints(DeploymentOption option, String attribute,
      Map<String, String> attributes, CommandScope scope) {
    if (!DeploymentOptions.AWS_EC2_INSTANCE.name().equals(option.name())) {
      return List.of();
    }
    return switch (attribute) {
      case AMI -> s.call("list the account's AMIs", () -> s.ec2().describeImagesPaginator(q -> q
          .owners("self").filters(Tags.filter("state", "available"))).images().stream()
          .map(Image::imageId).collect(java.util.stream.Collectors.toCollection(TreeSet::new)))
          .stream().toList();
      case TYPE -> s.call("list the instance types of region " + s.settings().region(),
          () -> s.ec2().describeInstanceTypeOfferingsPaginator(q -> q
              .locationType(LocationType.REGION)).instanceTypeOfferings().stream()
              .map(o -> o.instanceTypeAsString())
              .collect(java.util.stream.Collectors.toCollection(TreeSet::new))).stream()
          .toList();
      default -> List.of();
    };
  }

  private Optional<Image> image(String ami) {
    try {
      return s.ec2().describeImages(q -> q.imageIds(ami)).images().stream().findFirst();
    } catch (SdkException e) {
      String code = Ec2Errors.code(e);
      if (code.startsWith("InvalidAMIID.")) {
        return Optional.empty();
      }
      throw Ec2Errors.wrap("read AMI " + ami, e, s.settings());
    }
  }

  private boolean typeExists(String type) {
    try {
      return !s.ec2().describeInstanceTypes(q -> q.instanceTypesWithStrings(type))
          .instanceTypes().isEmpty();
    } catch (SdkException e) {
      if ("InvalidInstanceType".equals(Ec2Errors.code(e))
          || "InvalidParameterValue".equals(Ec2Errors.code(e))) {
        return false;
      }
      throw Ec2Errors.wrap("read instance type " + type, e, s.settings());
    }
  }

  private static String value(Map<String, String> attributes, String name) {
    String v = attributes.get(name);
    return v == null ? "" : v.strip();
  }
}
