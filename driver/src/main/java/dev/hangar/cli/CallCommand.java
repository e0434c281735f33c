package dev.hangar.cli;

import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandDispatcher;
import dev.hangar.driver.HangarException;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar call COMMAND --context CTX.json [--request REQ.json] [--target HOST:PORT]}: in
 * process, or through a sandbox host, with the same output and exit codes.
 */
@CommandLine.Command(name = "call", mixinStandardHelpOptions = true,
    description = "Runs one command (in-process, or on a sandbox host with --target) and prints"
        + " exactly the driver's response.")
final class CallCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @CommandLine.Mixin
  HostOptions host = new HostOptions();

  @CommandLine.Parameters(index = "0", paramLabel = "COMMAND",
      description = "The command's name: get_inventory, Deploy, PowerOn, PowerOff,"
          + " DeleteInstance, GetVmDetails, remote_refresh_ip, ApplyConnectivityChanges,"
          + " PrepareSandboxInfra, CleanupSandboxInfra, SetAppSecurityGroups; beyond the"
          + " standard: SaveApp, DeleteSavedApps, remote_save_snapshot, remote_get_snapshots,"
          + " remote_restore_snapshot, remote_remove_snapshot, reconfigure_vm, get_vm_console,"
          + " validate_attributes, get_attribute_hints, PowerCycle, Recover.")
  String commandName;

  @CommandLine.Option(names = "--param", paramLabel = "NAME=VALUE",
      description = "A command's parameter (repeatable): remote_save_snapshot"
          + " snapshot_name, save_memory (Yes|No); remote_restore_snapshot snapshot_name;"
          + " remote_remove_snapshot snapshot_name, remove_child (Yes|No); reconfigure_vm cpu,"
          + " ram (GB), hdd (1:100;2:200); PowerCycle delay (seconds); Recover hypervisor (a"
          + " URI of Hypervisors).")
  java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();

  @CommandLine.Mixin
  InputOptions inputs = new InputOptions();

  @CommandLine.Option(names = "--request", paramLabel = "REQ.json",
      description = "The request JSON, for commands that take one; - for stdin.")
  String request;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Command command = InputOptions.command(commandName, "call", err);
    if (command == null) {
      return Main.USAGE;
    }
    if (command.takesRequest() && request == null) {
      err.println("hangar call: " + command.standardName() + " needs --request REQ.json");
      return Main.USAGE;
    }
    for (String name : parameters.keySet()) {
      if (command.parameter(name).isEmpty()) {
        err.println("hangar call: " + command.standardName() + (command.parameters().isEmpty()
            ? " takes no --param" : " has no parameter '" + name + "'; its parameters: "
            + String.join(", ", command.parameters().stream()
                .map(dev.hangar.driver.CommandParameter::name).toList())));
        return Main.USAGE;
      }
    }
    InputOptions.Opened in = inputs.open("call", host, request, err).orElse(null);
    if (in == null) {
      return Main.USAGE;
    }
    String contextJson = in.context();
    String requestJson = in.request();
    RecordingOrchestratorApi api = in.api();
    if (host.remote()) {
      return onHost(command, contextJson, requestJson, api, out, err);
    }
    // A provider on libvirt's in-process test:///default gets the embedded default of this
    // process (its pool, template and a private ovsdb-server), started only when one is named.
    try (EmbeddedDefault embedded = EmbeddedDefault.onFirstUse(err::println);
        BackendRegistry backends = embedded.registry()) {
      CommandDispatcher dispatcher = new CommandDispatcher(
          new CloudProviderDriver(backends, c -> api));
      String response = dispatcher.dispatch(command, contextJson, requestJson, parameters,
          CancellationContext.NONE);
      if (!response.isEmpty()) {
        out.println(response);
      }
      api.calls().forEach(c -> err.println("orchestrator: " + c.method() + " " + c.args()));
      return Main.OK;
    } catch (HangarException e) {
      err.println("hangar call: " + command.standardName() + " failed: " + e.getMessage());
      return Main.RAISED;
    }
  }

  /** The same, through the sandbox host, which calls back this process's API. */
  private int onHost(Command command, String contextJson, String requestJson,
      RecordingOrchestratorApi api, PrintWriter out, PrintWriter err) {
    return host.run("call", command.standardName() + " failed: ", contextJson, api, main.env(),
        err, (client, context) -> client.call(command, context, requestJson, parameters,
            host.deadline()), response -> {
              if (!response.isEmpty()) {
                out.println(response);
              }
              api.calls().forEach(c -> err.println("orchestrator: " + c.method() + " "
                  + c.args()));
            });
  }
}
