package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.options.DeploymentOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * validate_attributes and get_attribute_hints of {@code AWS EC2 Instance} on moto (AMI and
 * instance type validation on): one message per problem, naming the attribute; the region's
 * instance types as hints, sorted. The account's own AMIs as hints: {@link AwsSavedAppTest}.
 */
class AwsAttributeAdvisorTest {
  private final AwsAppFixture f = new AwsAppFixture();
  private final AttributeAdvisor advisor = f.open("validate_attributes").attributeAdvisor()
      .orElseThrow();
  private final CommandScope scope = f.scope("validate_attributes");

  @AfterEach
  void stop() {
    f.close();
  }

  private List<String> validate(Map<String, String> attributes) {
    return advisor.validate(DeploymentOptions.AWS_EC2_INSTANCE, attributes, scope);
  }

  @Test
  void validateNamesEachBadAttribute() {
    assertThat(validate(Map.of("AWS AMI Id", AwsSandboxTest.AMI, "Instance Type", "t3.small")))
        .isEmpty();
    // An empty Instance Type takes the provider's (t3.micro).
    assertThat(validate(Map.of("AWS AMI Id", AwsSandboxTest.AMI))).isEmpty();
    assertThat(validate(Map.of("AWS AMI Id", "ami-12345678", "Instance Type", "zz.nope",
        "Custom Tags", "novalue"))).satisfiesExactly(
            m -> assertThat(m).startsWith("AWS AMI Id 'ami-12345678' does not exist in region "
                + Ec2Peer.REGION),
            m -> assertThat(m).startsWith("Instance Type 'zz.nope' is not an instance type of"
                + " region " + Ec2Peer.REGION),
            m -> assertThat(m).startsWith("Custom Tags: ").contains("not key:value"));
    assertThat(validate(Map.of("AWS AMI Id", "not-an-ami"))).singleElement()
        .asString().startsWith("AWS AMI Id 'not-an-ami' does not exist");
    assertThat(validate(Map.of())).singleElement().asString()
        .startsWith("AWS AMI Id is empty");
    // Other deployment paths are not this cloud's to check.
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_TEMPLATE, Map.of(), scope)).isEmpty();
  }

  @Test
  void hintsListTheRegionsInstanceTypesSorted() {
    List<String> types = advisor.hints(DeploymentOptions.AWS_EC2_INSTANCE, "Instance Type",
        Map.of(), scope);
    assertThat(types).contains("t3.micro", "t3.2xlarge", "m5.large").isSorted()
        .doesNotHaveDuplicates();
    // No AMI of this account yet (moto's own are Amazon's and others').
    assertThat(advisor.hints(DeploymentOptions.AWS_EC2_INSTANCE, "AWS AMI Id", Map.of(), scope))
        .isEmpty();
    assertThat(advisor.hints(DeploymentOptions.AWS_EC2_INSTANCE, "User Data", Map.of(), scope))
        .isEmpty();
  }
}
