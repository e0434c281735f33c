package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.ovsdb.PortVlan;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
  private static DomainSpec spec(DomainSpec.Boot boot) {
    UUID uuid = UUID.fromString("6f0f6c2e-5b8b-4f5e-9a57-2a4b8c1d9e01");
    VmMetadata meta = new VmMetadata("sb-1", "web <&> 'app'", "KVM VM From Template", "act-1",
        "tmpl.qcow2", "br-int", List.of("pool/web-disk0.qcow2", "pool/web-seed.iso"),
        Map.of(Names.tapName(uuid, 2), PortVlan.access(10)));
    return new DomainSpec("web-6f0f6c2e", uuid, "qemu", 512, 2, boot,
        List.of(new DomainSpec.Disk("pool", "web-disk0.qcow2", "qcow2", false),
            new DomainSpec.Disk("pool", "web-seed.iso", "raw", true)),
        List.of(new DomainSpec.NetworkNic(0, "52:54:00:00:00:01", "mgmt"),
            new DomainSpec.OvsNic(1, "52:54:00:00:00:02", Names.tapName(uuid, 1)),
            new DomainSpec.OvsNic(2, "52:54:00:00:00:03", Names.tapName(uuid, 2))),
        meta);
  }

  @Test
  void theViewDeployKeepsIsWhatTheWrittenXmlReadsBackAs() {
    for (DomainSpec.Boot boot : List.of(new DomainSpec.DiskBoot(),
        new DomainSpec.KernelBoot("/boot/vmlinuz", "/boot/initrd.img", "console=ttyS0"))) {
      DomainSpec spec = spec(boot);
      assertThat(DomainXml.view(spec)).isEqualTo(DomainView.parse(DomainXml.write(spec)));
    }
  }

  @Test
  void metadataWrittenStandaloneReadsBackTheSame() {
    VmMetadata meta = spec(new DomainSpec.DiskBoot()).metadata();
    assertThat(VmMetadata.read(Xml.parse(meta.standaloneXml()))).isEqualTo(meta);
    assertThat(meta.withVlans(Map.of(Names.tapName(spec(new DomainSpec.DiskBoot()).uuid(), 2),
        PortVlan.parked())).vlans()).isEmpty();
  }
}
