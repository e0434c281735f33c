package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/** Which domain type a VM gets from what the host offers and what the provider asks. */
class VirtualizationTest {
  private static final List<String> KVM_HOST = List.of("qemu", "kvm");
  private static final List<String> TCG_HOST = List.of("qemu");

  /** Capabilities of an x86_64 host with KVM: qemu for every arch, kvm for its own. */
  private static final String KVM_CAPS = """
      <capabilities>
        <host><cpu><arch>x86_64</arch></cpu></host>
        <guest><os_type>hvm</os_type>
          <arch name='i686'><domain type='qemu'/></arch></guest>
        <guest><os_type>hvm</os_type>
          <arch name='x86_64'><domain type='qemu'/><domain type='kvm'/></arch></guest>
      </capabilities>""";

  @Test
  void capabilitiesListTheTypesOfTheHostsOwnArchitecture() throws Exception {
    assertThat(GuestCapabilities.domainTypes(KVM_CAPS)).containsExactly("qemu", "kvm");
    Connect test = new Connect("test:///default");
    try {
      assertThat(GuestCapabilities.domainTypes(test.getCapabilities())).containsExactly("test");
    } finally {
      test.close();
    }
  }

  @Test
  void autoPrefersKvmAndFallsBackToTcg() {
    assertThat(Virtualization.AUTO.domainType(KVM_HOST)).contains("kvm");
    assertThat(Virtualization.AUTO.domainType(TCG_HOST)).contains("qemu");
  }

  @Test
  void tcgIsQemuEvenWhereKvmIsOffered() {
    assertThat(Virtualization.TCG.domainType(KVM_HOST)).contains("qemu");
    assertThat(Virtualization.TCG.domainType(TCG_HOST)).contains("qemu");
  }

  @Test
  void kvmOnAHostWithoutItIsRefusedWithTheRemedy() {
    assertThat(Virtualization.KVM.domainType(KVM_HOST)).contains("kvm");
    assertThat(Virtualization.KVM.domainType(TCG_HOST)).isEqualTo(Optional.empty());
    assertThat(Virtualization.KVM.refusal(TCG_HOST)).isEqualTo("offers no KVM guests (only qemu)");
    assertThat(Virtualization.KVM.remedy()).isEqualTo(
        "set attribute 'Virtualization' to Auto or TCG, or fix the hypervisor");
    assertThat(Virtualization.TCG.domainType(List.of("kvm"))).isEqualTo(Optional.empty());
    assertThat(Virtualization.TCG.remedy()).contains("to Auto or KVM");
  }

  @Test
  void theTestDriverRunsEveryChoiceAsItsOwnType() {
    for (Virtualization v : Virtualization.values()) {
      assertThat(v.domainType(List.of("test"))).as(v.name()).contains("test");
    }
  }

  @Test
  void parsesTheAttributesAllowedValues() {
    assertThat(Virtualization.parse("Auto")).isEqualTo(Virtualization.AUTO);
    assertThat(Virtualization.parse("KVM")).isEqualTo(Virtualization.KVM);
    assertThat(Virtualization.parse("TCG")).isEqualTo(Virtualization.TCG);
  }
}
