package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.app.AppSecurityGroups;
import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.request.CreateKeys;
import dev.hangar.datamodel.request.PrepareCloudInfra;
import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.SecurityGroupResult;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.spi.L2Fabric;
import dev.hangar.driver.spi.L3Fabric;
import dev.hangar.driver.spi.SandboxInfraRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ApplyConnectivityChanges (L2) and the sandbox infrastructure commands (L3). */
public final class InfraCommands {
  private final WireCodec codec;

  public InfraCommands(WireCodec codec) {
    this.codec = codec;
  }

  public static ActionCommands.Executor connectivity(CommandRun run) {
    return (accepted, results) -> {
      requireNetworking(run, "L2", "ApplyConnectivityChanges");
      L2Fabric fabric = run.backend().l2Fabric().orElseThrow(() -> new ClientException(
          "Cloud Type " + run.provider().cloudType() + " has no L2 fabric (VLANs on vNICs)"));
      List<VlanAction> vlans = accepted.stream().map(VlanAction.class::cast).toList();
      fabric.apply(vlans, run.scope()).forEach(results::add);
    };
  }

  public static ActionCommands.Executor prepare(CommandRun run) {
    return (accepted, results) -> {
      List<PrepareCloudInfra> networks = only(accepted, PrepareCloudInfra.class);
      List<CreateKeys> keys = only(accepted, CreateKeys.class);
      if (networks.size() != 1 || keys.size() > 1) {
        throw new ClientException("PrepareSandboxInfra needs exactly one prepareCloudInfra and at"
            + " most one createKeys action (got " + networks.size() + " and " + keys.size() + ")");
      }
      L3Fabric fabric = l3(run);
      SandboxInfraRequest request = new SandboxInfraRequest(networks.get(0),
          keys.isEmpty() ? null : keys.get(0), only(accepted, PrepareSubnet.class));
      fabric.prepare(request, run.scope()).forEach(results::add);
    };
  }

  public static ActionCommands.Executor cleanup(CommandRun run) {
    return (accepted, results) -> {
      L3Fabric fabric = l3(run);
      for (CleanupNetwork c : only(accepted, CleanupNetwork.class)) {
        results.add(fabric.cleanup(c, run.scope()));
      }
    };
  }

  /** SetAppSecurityGroups: a bare array in, one {appName, success, error} per app out. */
  public String securityGroups(CommandRun run, String requestJson) {
    List<AppSecurityGroups> apps =
        CommandRun.read(() -> codec.readSetAppSecurityGroups(requestJson));
    run.log().actions(apps.size());
    Map<String, SecurityGroupResult> byApp = new LinkedHashMap<>();
    String failure = null;
    try {
      for (SecurityGroupResult r : l3(run).setSecurityGroups(apps, run.scope())) {
        byApp.putIfAbsent(r.appName(), r);
      }
    } catch (RuntimeException e) {
      failure = Failures.message(e, run.secrets());
    }
    List<SecurityGroupResult> out = new ArrayList<>();
    for (AppSecurityGroups a : apps) {
      String name = a.deployedApp() == null ? "" : a.deployedApp().name();
      SecurityGroupResult r = byApp.get(name);
      out.add(r != null ? new SecurityGroupResult(r.appName(), r.success(),
          run.secrets().redact(r.error()))
          : new SecurityGroupResult(name, false,
              failure != null ? failure : "the backend returned no result for this app"));
    }
    long failed = out.stream().filter(r -> !r.success()).count();
    run.log().outcome(failed == 0 ? "ok" : failed + " of " + out.size() + " failed");
    return codec.writeSecurityGroupResults(out);
  }

  private static L3Fabric l3(CommandRun run) {
    requireNetworking(run, "L3", run.command().standardName());
    return run.backend().l3Fabric().orElseThrow(() -> new ClientException("Cloud Type "
        + run.provider().cloudType() + " has no L3 fabric (sandbox subnets)"));
  }

  private static void requireNetworking(CommandRun run, String expected, String command) {
    String actual = run.provider().networkingType();
    if (!actual.equals(expected)) {
      throw new ClientException("cloud provider '" + run.provider().name() + "' is Networking"
          + " type " + actual + "; " + command + " is for " + expected + " providers");
    }
  }

  private static <T extends Action> List<T> only(List<Action> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
