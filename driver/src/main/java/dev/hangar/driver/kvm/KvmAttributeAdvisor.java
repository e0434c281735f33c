package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.AttributeAdvisor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.options.DeploymentOption;
import dev.hangar.options.DeploymentOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * validate_attributes / get_attribute_hints on KVM. "KVM VM From Template": the Template volume
 * must be in the storage pool of every reachable hypervisor (Deploy may place the app on any of
 * them); its hints are the pool's volumes that are templates, i.e. not a disk or seed Hangar made
 * for a VM (read from every Hangar VM's metadata). "KVM VM From Kernel": the Kernel and Initrd
 * paths are files on the hypervisor, which libvirt has no call to look at, so they are not
 * checked here (the driver checks that they are absolute; Deploy fails naming qemu's reason when
 * a file is missing). Unreachable hypervisors are skipped (logged); when none answers, that is
 * the one problem. Both paths: 'Area' must be one of the provider's areas (hints: their names).
 */
final class KvmAttributeAdvisor implements AttributeAdvisor {
  private static final Logger log = LoggerFactory.getLogger(KvmAttributeAdvisor.class);
  private static final String TEMPLATE = "Template";
  private static final String AREA = "Area";

  private final KvmSettings settings;
  private final VmLocator locator;

  KvmAttributeAdvisor(KvmSettings settings, VmLocator locator) {
    this.settings = settings;
    this.locator = locator;
  }

  @Override
  public List<String> validate(DeploymentOption option, Map<String, String> attributes,
      CommandScope scope) {
    List<String> problems = new ArrayList<>();
    String area = attributes.getOrDefault(AREA, "").strip();
    if (!area.isEmpty() && isKvm(option)) {
      try {
        settings.areas().forDeploy(new VmLocator.Reach(List.of(), Map.of()), area);
      } catch (ClientException e) {
        problems.add(e.getMessage());
      }
    }
    String template = attributes.getOrDefault(TEMPLATE, "");
    if (!option.name().equals(DeploymentOptions.KVM_FROM_TEMPLATE.name())
        || template.isBlank()) {
      return problems;
    }
    VmLocator.Reach reach = locator.reach("");
    if (reach.up().isEmpty()) {
      problems.add("Template '" + template + "' could not be checked: no hypervisor answered ("
          + VmLocator.describe(reach.down()) + ")");
      return problems;
    }
    if (!reach.down().isEmpty()) {
      log.warn("validate_attributes: not checked on {}", VmLocator.describe(reach.down()));
    }
    String poolName = settings.storagePool();
    for (Hypervisor h : reach.up()) {
      try {
        StoragePool pool = h.connect().storagePoolLookupByName(poolName);
        if (!List.of(pool.listVolumes()).contains(template)) {
          problems.add("Template '" + template + "' is not a volume of storage pool '"
              + poolName + "' on " + h.uri());
        }
      } catch (LibvirtException e) {
        problems.add("Template '" + template + "' could not be checked on " + h.uri()
            + ": storage pool '" + poolName + "': " + LibvirtErrors.text(e));
      }
    }
    return problems;
  }

  @Override
  public List<String> hints(DeploymentOption option, String attribute,
      Map<String, String> attributes, CommandScope scope) {
    if (AREA.equals(attribute) && isKvm(option)) {
      return List.copyOf(new LinkedHashSet<>(settings.areas().byHost().values()));
    }
    if (!option.name().equals(DeploymentOptions.KVM_FROM_TEMPLATE.name())
        || !TEMPLATE.equals(attribute)) {
      return List.of();
    }
    Set<String> out = new TreeSet<>();
    VmLocator.Reach reach = locator.reach("");
    for (Hypervisor h : reach.up()) {
      try {
        StoragePool pool = h.connect().storagePoolLookupByName(settings.storagePool());
        Set<String> made = vmVolumes(h.connect());
        for (String v : pool.listVolumes()) {
          if (!made.contains(settings.storagePool() + "/" + v)) {
            out.add(v);
          }
        }
      } catch (LibvirtException e) {
        log.warn("get_attribute_hints: no templates from {}: {}", h.uri(),
            LibvirtErrors.text(e));
      }
    }
    return List.copyOf(out);
  }

  private static boolean isKvm(DeploymentOption option) {
    return option.name().equals(DeploymentOptions.KVM_FROM_TEMPLATE.name())
        || option.name().equals(DeploymentOptions.KVM_FROM_KERNEL.name());
  }

  /** Every volume ("pool/name") a Hangar VM on this host uses as its disk or seed. */
  private static Set<String> vmVolumes(Connect c) throws LibvirtException {
    Set<String> out = new HashSet<>();
    List<Domain> domains = new ArrayList<>();
    for (int id : c.listDomains()) {
      domains.add(c.domainLookupByID(id));
    }
    for (String name : c.listDefinedDomains()) {
      domains.add(c.domainLookupByName(name));
    }
    for (Domain d : domains) {
      try {
        VmMetadata meta = DomainView.parse(d.getXMLDesc(0)).metadata();
        if (meta != null) {
          out.addAll(meta.volumes());
        }
      } catch (LibvirtException e) {
        if (!LibvirtErrors.isGone(e)) {
          throw e;
        }
      } finally {
        d.free();
      }
    }
    return out;
  }
}
