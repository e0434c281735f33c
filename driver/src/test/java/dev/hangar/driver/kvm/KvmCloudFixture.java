package dev.hangar.driver.kvm;

import dev.hangar.driver.spi.BackendProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.libvirt.LibvirtException;

/**
 * {@link KvmTestbed} for tests outside this package (the sandbox host's): a KVM cloud of its own
 * (a libvirt test-driver host and a private ovsdb-server) on the real clock, so that deadlines
 * and cancellations meet a Deploy that is really waiting.
 */
public final class KvmCloudFixture implements AutoCloseable {
  private final KvmTestbed bed;

  /** @param poll how often waits look again (and so how soon they see a cancellation) */
  public KvmCloudFixture(Duration poll) throws IOException {
    bed = new KvmTestbed(new KvmTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(5),
        Duration.ofSeconds(60), poll, KvmTimeouts.Sleeper.REAL));
  }

  public BackendProvider provider() {
    return bed.provider;
  }

  /** The provider resource's attributes that reach this cloud. */
  public Map<String, String> providerAttributes() {
    return Map.copyOf(bed.attributes);
  }

  /**
   * A deployApp action JSON for a kernel-boot VM with a management NIC, plus {@code extra}
   * deployment attributes (plain names).
   */
  public static String kernelDeployApp(String actionId, String app, Map<String, String> extra) {
    Map<String, String> attrs = KvmTestbed.kernelAttrs();
    attrs.putAll(extra);
    return KvmTestbed.deployApp(actionId, app, KvmTestbed.PATH_KERNEL, attrs);
  }

  public List<String> domains() throws LibvirtException {
    return bed.domains();
  }

  /** Volumes of the storage pool (the template tmpl.qcow2 and whatever deploys made). */
  public List<String> volumes() throws LibvirtException {
    return bed.volumes();
  }

  /** A deployApp action JSON for a template VM (one OVS vNIC), plus {@code extra} attributes. */
  public static String templateDeployApp(String actionId, String app, Map<String, String> extra) {
    Map<String, String> attrs = new java.util.LinkedHashMap<>();
    attrs.put("Template", "tmpl.qcow2");
    attrs.put("NIC Count", "1");
    attrs.putAll(extra);
    return KvmTestbed.deployApp(actionId, app, KvmTestbed.PATH_TEMPLATE, attrs);
  }

  public List<String> ports() throws IOException {
    return bed.ports();
  }

  @Override
  public void close() {
    bed.close();
  }
}
