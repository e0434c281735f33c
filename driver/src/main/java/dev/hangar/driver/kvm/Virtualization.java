package dev.hangar.driver.kvm;

import dev.hangar.options.ProviderModel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How guests run, from the provider's 'Virtualization' attribute: {@code KVM} (hardware
 * virtualization), {@code TCG} (qemu's software emulation: slow, but it runs wherever qemu does)
 * or {@code Auto}, KVM where the host offers it, else TCG. A host can offer KVM that does not
 * work for its guests (a nested or paravirtual {@code /dev/kvm} under which a guest kernel
 * hangs), and only the admin can know: hence the choice.
 */
enum Virtualization {
  AUTO, KVM, TCG;

  private static final String TEST_DRIVER = "test";

  /** One of the attribute's allowed values, as {@code AttributeValues} checked it. */
  static Virtualization parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /**
   * The libvirt domain type for a host offering {@code offered} (its capabilities, preferred
   * first), or empty when the host cannot run guests this way. libvirt's test driver offers only
   * its own type, which stands for any.
   */
  Optional<String> domainType(List<String> offered) {
    if (offered.contains(TEST_DRIVER)) {
      return Optional.of(TEST_DRIVER);
    }
    String wanted = switch (this) {
      case KVM -> "kvm";
      case TCG -> "qemu";
      case AUTO -> offered.contains("kvm") ? "kvm" : "qemu";
    };
    return offered.contains(wanted) ? Optional.of(wanted) : Optional.empty();
  }

  /** Why a host offering {@code offered} cannot run guests this way, for messages. */
  String refusal(List<String> offered) {
    return "offers no " + (this == TCG ? "TCG (qemu)" : "KVM") + " guests (only "
        + String.join(", ", offered) + ")";
  }

  /** What to do about a refusal, naming the attribute. */
  String remedy() {
    return "set attribute '" + ProviderModel.VIRTUALIZATION.name() + "' to "
        + (this == KVM ? "Auto or TCG" : "Auto or KVM") + ", or fix the hypervisor";
  }
}
