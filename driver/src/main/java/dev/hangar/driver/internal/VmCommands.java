package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.app.DeployedApp;
import dev.hangar.datamodel.app.GetVmDetailsRequest;
import dev.hangar.datamodel.context.ResourceContextDetails;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.datamodel.result.VmDetailsData;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.Addresses;
import dev.hangar.driver.spi.ComputeService;
import dev.hangar.driver.spi.DeployedVm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The commands on one deployed VM: power, delete, details, refresh IP. */
public final class VmCommands {
  private static final String PUBLIC_IP = "Public IP";
  private final WireCodec codec;

  public VmCommands(WireCodec codec) {
    this.codec = codec;
  }

  public void powerOn(CommandRun run) {
    onVm(run, ComputeService::powerOn);
  }

  public void powerOff(CommandRun run) {
    onVm(run, ComputeService::powerOff);
  }

  public void delete(CommandRun run) {
    onVm(run, ComputeService::delete);
  }

  /** An operation of the compute service on one deployed VM. */
  private interface VmOperation {
    void apply(ComputeService compute, DeployedVm vm, dev.hangar.driver.spi.CommandScope scope);
  }

  private static void onVm(CommandRun run, VmOperation op) {
    DeployedVm vm = remoteVm(run);
    Guard.call(run, () -> {
      op.apply(run.backend().compute(), vm, run.scope());
      return null;
    });
  }

  /** Reads the VM's addresses and sets them through the orchestrator API. */
  public void refreshIp(CommandRun run) {
    DeployedVm vm = remoteVm(run);
    ResourceContextDetails endpoint =
        ((ResourceRemoteCommandContext) run.context()).deployedApp();
    Guard.call(run, () -> {
      Addresses a = run.backend().compute().addresses(vm, run.scope());
      // The platform already shows the endpoint's address; only a change is worth a call.
      if (!a.privateIp().isEmpty() && !a.privateIp().equals(endpoint.address())) {
        run.scope().api().updateResourceAddress(vm.resourceName(), a.privateIp());
      }
      if (!a.publicIp().isEmpty()) {
        String fullName = endpoint.fullname() == null || endpoint.fullname().isEmpty()
            ? vm.resourceName() : endpoint.fullname();
        run.scope().api().setAttributeValue(fullName, publicIpAttribute(endpoint, vm.app()),
            a.publicIp());
      }
      return null;
    });
  }

  /** One VmDetailsData per item, in order; an item that cannot be read carries its error. */
  public String details(CommandRun run, String requestJson) {
    GetVmDetailsRequest request =
        CommandRun.read(() -> codec.readGetVmDetailsRequest(requestJson));
    run.log().actions(request.items().size());
    ComputeService compute;
    try {
      compute = run.backend().compute();
    } catch (RuntimeException e) {
      String m = Failures.message(e, run.secrets());
      run.log().outcome("all failed");
      return codec.writeVmDetails(request.items().stream()
          .map(i -> VmDetailsData.failure(appName(i), m)).toList());
    }
    List<DeployedVm> vms = new ArrayList<>();
    for (GetVmDetailsRequest.Item item : request.items()) {
      DeployedApp app = item.deployedAppJson();
      if (app != null && app.vmUid() != null && !app.vmUid().isEmpty()) {
        vms.add(new DeployedVm(app.name(), app.vmUid(), app, item.appRequestJson()));
      }
    }
    if (vms.size() > 1) {
      try {
        compute.willReadDetails(vms, run.scope());
      } catch (RuntimeException e) {
        // Only a hint: each item below reads on its own and reports its own error.
      }
    }
    List<VmDetailsData> out = new ArrayList<>();
    int failed = 0;
    for (GetVmDetailsRequest.Item item : request.items()) {
      String appName = appName(item);
      try {
        run.scope().checkCancelled("reading the details of " + appName);
        DeployedApp app = item.deployedAppJson();
        if (app == null || app.vmUid() == null || app.vmUid().isEmpty()) {
          throw new ClientException("deployedAppJson of '" + appName + "' has no vmdetails.uid");
        }
        VmDetailsData d = compute.details(
            new DeployedVm(app.name(), app.vmUid(), app, item.appRequestJson()), run.scope());
        out.add(new VmDetailsData(appName, d.errorMessage(), d.vmInstanceData(),
            d.vmNetworkData()));
      } catch (RuntimeException e) {
        failed++;
        out.add(VmDetailsData.failure(appName, Failures.message(e, run.secrets())));
      }
    }
    run.log().outcome(failed == 0 ? "ok" : failed + " of " + out.size() + " failed");
    return codec.writeVmDetails(out);
  }

  private static String appName(GetVmDetailsRequest.Item item) {
    if (item.deployedAppJson() != null && item.deployedAppJson().name() != null) {
      return item.deployedAppJson().name();
    }
    return item.appRequestJson() == null || item.appRequestJson().name() == null
        ? "" : item.appRequestJson().name();
  }

  /** The deployed app a remote command acts on, from remote_endpoints[0]. */
  static DeployedVm remoteVm(CommandRun run) {
    ResourceRemoteCommandContext ctx = (ResourceRemoteCommandContext) run.context();
    ResourceContextDetails endpoint = ctx.deployedApp();
    String command = run.command().standardName();
    if (endpoint == null) {
      throw new ClientException(command + " needs the deployed app in remote_endpoints");
    }
    DeployedApp app = endpoint.appContext() == null ? null
        : endpoint.appContext().deployedAppJson();
    if (app == null || app.vmUid() == null || app.vmUid().isEmpty()) {
      throw new ClientException(command + ": app '" + endpoint.name() + "' has no"
          + " app_context.deployed_app_json.vmdetails.uid; was it deployed by this provider?");
    }
    String name = endpoint.name() != null ? endpoint.name() : app.name();
    return new DeployedVm(name, app.vmUid(), app,
        endpoint.appContext().appRequestJson());
  }

  /** The app's own name for "Public IP" ({@code "<model>.Public IP"} on 2nd-gen apps). */
  private static String publicIpAttribute(ResourceContextDetails endpoint, DeployedApp app) {
    for (Map.Entry<String, String> e : endpoint.attributes().entrySet()) {
      if (e.getKey().equals(PUBLIC_IP) || e.getKey().endsWith("." + PUBLIC_IP)) {
        return e.getKey();
      }
    }
    if (app != null && app.attributes() != null) {
      for (var nv : app.attributes()) {
        if (nv.name() != null && (nv.name().equals(PUBLIC_IP)
            || nv.name().endsWith("." + PUBLIC_IP))) {
          return nv.name();
        }
      }
    }
    return PUBLIC_IP;
  }
}
