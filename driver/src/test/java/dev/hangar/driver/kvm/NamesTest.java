package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void macsAreLocallyAdministeredQemuMacsAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String mac = Names.randomMac();
      assertThat(mac).matches("52:54:00(:[0-9a-f]{2}){3}");
      seen.add(mac);
    }
    // 2000 draws from 2^24: a repeat or two is possible, many would mean a broken generator.
    assertThat(seen).hasSizeGreaterThan(1990);
  }

  @Test
  void aVmUuidDependsOnlyOnSandboxAndAction() {
    assertThat(Names.vmUuid("sb-1", "a-1")).isEqualTo(Names.vmUuid("sb-1", "a-1"))
        .isNotEqualTo(Names.vmUuid("sb-1", "a-2")).isNotEqualTo(Names.vmUuid("sb-2", "a-1"));
  }

  @Test
  void xmlTextKeepsWhatXmlCarriesAndReplacesTheRest() {
    assertThat(Names.xmlText("app <a&b> 'ü' \uD83D\uDE80\ttab")).isEqualTo(
        "app <a&b> 'ü' \uD83D\uDE80\ttab");
    assertThat(Names.xmlText("bell\u0007 nul\u0000 lone\uD800 fffe\uFFFE")).isEqualTo(
        "bell? nul? lone? fffe?");
    assertThat(Names.xmlText(null)).isEmpty();
  }
}
