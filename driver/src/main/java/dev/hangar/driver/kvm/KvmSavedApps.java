package dev.hangar.driver.kvm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.CommandCancelledException;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.SavedAppService;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.DeploymentOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.w3c.dom.Element;

/**
 * SaveApp / DeleteSavedApp on KVM. SaveApp copies the source VM's disk into the provider's
 * storage pool as a new, self-contained qcow2 template volume: libvirt's volume copy
 * ({@code qemu-img convert}) reads through the linked clone's backing file, so the copy is
 * flattened and no longer depends on the template the app was deployed from. "KVM VM From
 * Template" deploys it later (Template = the new volume).
 *
 * <p>A stopped VM's disk is copied by libvirt's volume copy. A running VM's disk is held by qemu
 * (its image lock refuses {@code qemu-img}), so qemu copies it: a block copy job (drive-mirror,
 * full, into the new volume) that runs while the guest runs and then mirrors every new write;
 * once the copy is in step, the job is cancelled, which leaves the new volume as the disk was at
 * that instant: crash-consistent (as a sudden power loss would leave it), with no downtime
 * ({@link LiveDiskCopy}). A hypervisor driver without block copy (libvirt's test driver) has
 * its VM paused for the volume copy and resumed after it, in a finally.
 *
 * <p>Artifacts: the volume is named {@code saved-<saved sandbox id>-<app>-<8 hex>.qcow2}, the hex
 * fixed by the action (a retried SaveApp replaces its earlier attempt's volume) (libvirt
 * volumes carry no metadata, so the name is the mark a reaper finds), and the artifact ref is
 * {@code {"hypervisor":URI,"pool":POOL,"volume":NAME}}, which DeleteSavedApp follows back. A
 * "KVM VM From Kernel" app has no disk and cannot be saved. The saved template exists on the
 * source VM's hypervisor only.
 */
final class KvmSavedApps implements SavedAppService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KvmSettings settings;
  private final KvmRuntime runtime;
  private final VmLocator locator;

  KvmSavedApps(KvmSettings settings, KvmRuntime runtime, VmLocator locator) {
    this.settings = settings;
    this.runtime = runtime;
    this.locator = locator;
  }

  @Override
  public SavedApp save(SaveAppRequest request, CommandScope scope) {
    String app = "SaveApp of '" + request.sourceAppName() + "'";
    UUID uuid;
    try {
      uuid = UUID.fromString(request.sourceVmUuid());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ClientException(app + ": sourceVmUuid '" + request.sourceVmUuid()
          + "' is not a KVM VM uuid");
    }
    if (request.savedSandboxId() == null || request.savedSandboxId().isBlank()) {
      throw new ClientException(app + ": savedSandboxId is empty");
    }
    try (VmLocks.Held held = runtime.locks().lock(uuid, scope)) {
      Optional<VmLocator.Located> found = locator.find(uuid.toString(), "");
      if (found.isEmpty()) {
        throw new ClientException(app + ": its VM " + uuid + " no longer exists on any"
            + " hypervisor of this provider; there is nothing to save");
      }
      Hypervisor host = found.get().host();
      Domain domain = found.get().domain();
      try {
        return copy(request, app, host, domain, scope);
      } catch (LibvirtException e) {
        throw LibvirtErrors.wrap("save app '" + request.sourceAppName() + "'", host.uri(), e);
      }
    }
  }

  private SavedApp copy(SaveAppRequest request, String app, Hypervisor host, Domain domain,
      CommandScope scope) throws LibvirtException {
    Element disk = firstDisk(domain.getXMLDesc(0));
    Element src = Xml.child(disk, "source");
    if (disk == null || Xml.attr(src, "volume").isEmpty()) {
      throw new ClientException(app + ": its VM has no disk volume to save (a 'KVM VM From"
          + " Kernel' app boots a kernel directly); SaveApp saves 'KVM VM From Template' apps");
    }
    StorageVol source = Volumes.pool(host, Xml.attr(src, "pool"))
        .storageVolLookupByName(Xml.attr(src, "volume"));
    StoragePool pool = Volumes.pool(host, settings.storagePool());
    String name = volumeName(request);
    // A volume of that name is an earlier attempt of this action, whole or cut short: the retry
    // copies the disk as it is now into a fresh volume of the same name.
    Volumes.delete(host, settings.storagePool() + "/" + name);
    String xml = Volumes.volumeXml(name, source.getInfo().capacity, "qcow2", null, null);
    scope.checkCancelled("copying the disk of " + request.sourceAppName());
    boolean running = domain.isActive() == 1;
    scope.progress("Saving " + request.sourceAppName() + " as template volume " + name + " on "
        + host.uri() + (running ? " (a live copy: the VM keeps running)" : ""));
    StorageVol made = null;
    if (running) {
      made = host.change(() -> pool.storageVolCreateXML(xml, 0));
      try {
        if (!LiveDiskCopy.copy(host, domain, Xml.attr(Xml.child(disk, "target"), "dev"),
            made.getPath(), runtime.timeouts(), scope)) {
          Volumes.delete(made);
          made = null;
        }
      } catch (RuntimeException | LibvirtException e) {
        removePartial(host, pool, made, name, e);
        throw e;
      }
    }
    if (made == null) {
      // Stopped, or a driver without block copy: libvirt copies the volume, the VM paused.
      made = copyPaused(host, domain, pool, source, xml, name, running);
    }
    if (scope.isCancelled()) {
      CommandCancelledException c = new CommandCancelledException("SaveApp was cancelled"
          + " during the copy of " + request.sourceAppName());
      removePartial(host, pool, made, name, c);
      throw c;
    }
    made.free();
    Map<String, String> attrs = new LinkedHashMap<>();
    for (AttributeSpec a : DeploymentOptions.KVM_FROM_TEMPLATE.attributes()) {
      String v = request.deploymentPathAttributes().get(a.name());
      if (v != null) {
        attrs.put(a.name(), v);
      }
    }
    attrs.put("Template", name);
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("hypervisor", host.uri());
    extra.put("pool", settings.storagePool());
    extra.put("volume", name);
    extra.put("sourceVmUuid", request.sourceVmUuid());
    return new SavedApp(java.util.List.of(new Artifact(ref(host.uri(), settings.storagePool(),
        name), name)), DeploymentOptions.KVM_FROM_TEMPLATE.name(), attrs, extra);
  }

  private static StorageVol copyPaused(Hypervisor host, Domain domain, StoragePool pool,
      StorageVol source, String xml, String name, boolean pause) throws LibvirtException {
    try {
      if (pause) {
        host.change(() -> {
          domain.suspend();
          return null;
        });
      }
      try {
        return host.change(() -> pool.storageVolCreateXMLFrom(xml, source, 0));
      } finally {
        if (pause) {
          host.change(() -> {
            domain.resume();
            return null;
          });
        }
      }
    } catch (RuntimeException | LibvirtException e) {
      removePartial(host, pool, null, name, e);
      throw e;
    }
  }

  /** A failed or cancelled save leaves no volume behind. */
  private static void removePartial(Hypervisor host, StoragePool pool, StorageVol made,
      String name, Exception cause) {
    try {
      if (made != null) {
        Volumes.delete(made);
      } else {
        Volumes.delete(pool.storageVolLookupByName(name));
      }
    } catch (LibvirtException e) {
      if (!LibvirtErrors.isGone(e)) {
        cause.addSuppressed(new IllegalStateException("could not remove the partial volume "
            + name + " on " + host.uri() + ": " + LibvirtErrors.text(e)));
      }
    }
  }

  @Override
  public void delete(DeleteSavedAppRequest request, CommandScope scope) {
    String prefix = prefix(request.savedSandboxId());
    for (Artifact a : request.artifacts()) {
      JsonNode ref = parseRef(a.ref());
      String uri = ref.path("hypervisor").asText();
      String poolName = ref.path("pool").asText();
      String volume = ref.path("volume").asText();
      if (!volume.startsWith(prefix)) {
        throw new ClientException("DeleteSavedApp of '" + request.savedAppName() + "': volume '"
            + volume + "' is not a saved app of sandbox " + request.savedSandboxId()
            + "; not deleting it");
      }
      HypervisorTarget target = settings.hypervisors().stream().filter(t -> t.uri().equals(uri))
          .findFirst().orElseThrow(() -> new ClientException("DeleteSavedApp of '"
              + request.savedAppName() + "': artifact " + volume + " is on " + uri + ", which is"
              + " not one of this provider's hypervisors"));
      Hypervisor host = runtime.hypervisors().get(target, runtime.timeouts().connect());
      try {
        StoragePool pool = host.connect().storagePoolLookupByName(poolName);
        scope.progress("Deleting saved template " + volume + " on " + uri);
        host.change(() -> {
          Volumes.delete(pool.storageVolLookupByName(volume));
          return null;
        });
      } catch (LibvirtException e) {
        if (LibvirtErrors.isGone(e) || e.getError() != null && e.getError().getCode()
            == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
          continue; // already gone
        }
        throw LibvirtErrors.wrap("delete saved template " + volume, uri, e);
      }
    }
  }

  private static Element firstDisk(String xml) {
    for (Element d : Xml.children(Xml.child(Xml.parse(xml), "devices"), "disk")) {
      if ("disk".equals(Xml.attr(d, "device"))) {
        return d;
      }
    }
    return null;
  }

  static String prefix(String savedSandboxId) {
    return "saved-" + Names.sanitize(savedSandboxId) + "-";
  }

  private static String volumeName(SaveAppRequest r) {
    String app = Names.sanitize(r.sourceAppName());
    if (app.length() > 40) {
      app = app.substring(0, 40);
    }
    // Fixed by the action, so that a retried SaveApp makes the same volume instead of a second.
    String tag = Names.sha256Hex(r.savedSandboxId() + "\n" + r.actionId() + "\n"
        + r.sourceVmUuid()).substring(0, 8);
    return prefix(r.savedSandboxId()) + app + "-" + tag + ".qcow2";
  }

  static String ref(String uri, String pool, String volume) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hypervisor", uri);
    m.put("pool", pool);
    m.put("volume", volume);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parseRef(String ref) {
    try {
      JsonNode n = JSON.readTree(ref == null ? "" : ref);
      if (n != null && n.path("hypervisor").isTextual() && n.path("pool").isTextual()
          && n.path("volume").isTextual()) {
        return n;
      }
    } catch (JsonProcessingException e) {
      // falls through to the client error
    }
    throw new ClientException("artifact ref '" + ref + "' is not a KVM saved app's"
        + " ({\"hypervisor\":…,\"pool\":…,\"volume\":…})");
  }
}
