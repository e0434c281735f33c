package dev.hangar.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentOptionsTest {
  @Test
  void pathsResolvePlainOrBehindTheProviderModel() {
    assertThat(DeploymentOptions.byPath("Hangar Cloud Provider.KVM VM From Kernel"))
        .contains(DeploymentOptions.KVM_FROM_KERNEL);
    assertThat(DeploymentOptions.byPath("KVM VM From Template"))
        .contains(DeploymentOptions.KVM_FROM_TEMPLATE);
    assertThat(DeploymentOptions.byPath("Other Provider.KVM VM From Template")).isEmpty();
    assertThat(DeploymentOptions.byPath(null)).isEmpty();
  }

  @Test
  void everyPathHasTheStandardAttributes() {
    for (DeploymentOption o : DeploymentOptions.all()) {
      assertThat(o.attributes()).containsAll(StandardAttributes.ALL);
      assertThat(o.cloudType()).isIn(ProviderModel.CLOUD_TYPE.allowedValues());
    }
  }

  @Test
  void typedValuesWithDefaultsAndClearErrors() {
    DeploymentOption o = DeploymentOptions.KVM_FROM_TEMPLATE;
    Map<String, String> raw = Map.of("CPU", "4", "Wait for IP", "false", "RAM", "lots",
        "Autoload", "maybe");
    AttributeValues v = new AttributeValues("deployment path " + o.name(), o.attributes(),
        raw::get);
    assertThat(v.number(o.attribute("CPU").orElseThrow())).isEqualTo(4);
    assertThat(v.number(o.attribute("Disk Size").orElseThrow())).isZero();
    assertThat(v.bool(StandardAttributes.WAIT_FOR_IP)).isFalse();
    assertThat(v.bool(StandardAttributes.AUTO_DELETE)).isTrue();
    assertThatThrownBy(() -> v.number(o.attribute("RAM").orElseThrow()))
        .isInstanceOf(InvalidAttributeException.class)
        .hasMessage("attribute 'RAM' of deployment path KVM VM From Template must be a whole"
            + " number (got 'lots')");
    assertThatThrownBy(() -> v.bool(StandardAttributes.AUTOLOAD))
        .hasMessageContaining("must be True or False");
  }

  @Test
  void allowedValuesAreCaseInsensitiveAndSecretsAreNeverShown() {
    AttributeSpec secret = AttributeSpec.password("Secret", "");
    AttributeValues v = new AttributeValues("provider p",
        java.util.List.of(ProviderModel.CLOUD_TYPE, secret),
        Map.of("Cloud Type", "kvm", "Secret", "hunter2")::get);
    assertThat(v.string(ProviderModel.CLOUD_TYPE)).isEqualTo("KVM");
    AttributeValues bad = new AttributeValues("provider p", java.util.List.of(
        ProviderModel.CLOUD_TYPE), Map.of("Cloud Type", "Azure")::get);
    assertThatThrownBy(() -> bad.string(ProviderModel.CLOUD_TYPE))
        .hasMessageContaining("must be one of KVM, AWS, OpenStack (got 'Azure')");
    assertThatThrownBy(() -> v.bool(secret)).hasMessageNotContaining("hunter2");
  }
}
