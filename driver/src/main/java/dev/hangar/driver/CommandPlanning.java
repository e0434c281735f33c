package dev.hangar.driver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.SegmentKind;
import dev.hangar.options.ProviderModel;
import dev.hangar.driver.spi.ActionPlan;
import dev.hangar.driver.internal.BackendResolver;
import dev.hangar.driver.internal.CommandRun;
import dev.hangar.driver.internal.Failures;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.DeployRequest;
import dev.hangar.driver.spi.PlannedOperation;
import dev.hangar.driver.spi.Planner;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.DeploymentOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code hangar plan}: what a command would do, changing nothing. Reads the context and request
 * as the command does, refuses the same bad actions, and asks the provider's backend
 * {@link Planner} for the rest: one entry per action, each a list of operations
 * ({@code create}/{@code update}/{@code delete}/{@code exists}, kind, name, id, where, details),
 * or the error the command would answer for that action.
 */
public final class CommandPlanning {
  /** The commands a plan can be asked for. */
  public static final Set<Command> PLANNABLE = Set.of(Command.DEPLOY,
      Command.APPLY_CONNECTIVITY_CHANGES, Command.CLEANUP_SANDBOX_INFRA);
  private final WireCodec codec = WireCodec.standard();
  private final BackendResolver resolver;
  private final OrchestratorApi.Factory apis;

  public CommandPlanning(BackendRegistry backends, OrchestratorApi.Factory apis) {
    this.resolver = new BackendResolver(backends);
    this.apis = apis;
  }

  /**
   * The plan JSON: {@code {"command":NAME,"plan":[{"actionId","type","success",
   * "operations":[...]} | {"actionId","type","success":false,"error"}]}}.
   *
   * @throws ClientException for a command that cannot be planned, an unreadable context or
   *     request, or a cloud without a planner
   */
  public String plan(Command command, String contextJson, String requestJson) {
    plannable(command);
    CommandContext context;
    try {
      context = codec.read(contextJson, command.contextType());
    } catch (MalformedRequestException e) {
      throw new ClientException("context of " + command.standardName() + ": " + e.getMessage());
    }
    return plan(command, context, requestJson);
  }

  /**
   * The command a plan is asked for by name: its standard name ({@code Deploy},
   * {@code ApplyConnectivityChanges}) or its RPC name, as the sandbox host's Plan RPC takes it.
   *
   * @throws ClientException for an unknown command or one that cannot be planned
   */
  public static Command command(String name) {
    String n = name == null ? "" : name.strip();
    Command c = java.util.Arrays.stream(Command.values())
        .filter(x -> x.standardName().equals(n) || x.rpcName().equals(n)).findFirst()
        .orElseThrow(() -> new ClientException(n.isEmpty() ? "a plan needs the command to plan;"
            + " one of " + plannableNames() : "unknown command '" + n + "'; plans are made for "
            + plannableNames()));
    plannable(c);
    return c;
  }

  private static void plannable(Command command) {
    if (!PLANNABLE.contains(command)) {
      throw new ClientException("hangar plan cannot plan " + command.standardName() + " yet;"
          + " it plans " + plannableNames());
    }
  }

  private static List<String> plannableNames() {
    return PLANNABLE.stream().map(Command::standardName).sorted().toList();
  }

  /**
   * {@link #plan(Command, String, String)} with the context already read (the sandbox host reads
   * it from its typed message).
   *
   * @throws ClientException as that method
   */
  public String plan(Command command, CommandContext context, String requestJson) {
    plannable(command);
    if (requestJson == null || requestJson.isBlank()) {
      throw new ClientException("a plan of " + command.standardName() + " needs its request");
    }
    try (CommandRun run = new CommandRun(command, context, apis, resolver,
        CancellationContext.NONE)) {
      Planner planner = run.backend().planner().orElseThrow(() -> noPlanner(run));
      DriverRequest request = CommandRun.read(() -> codec.readDriverRequest(requestJson));
      List<CheckedAction> checked = check(run, request);
      java.util.Map<String, ActionPlan> planned = new java.util.HashMap<>();
      if (command == Command.APPLY_CONNECTIVITY_CHANGES) {
        List<VlanAction> vlans = checked.stream()
            .filter(CheckedAction.Accepted.class::isInstance)
            .map(c -> ((CheckedAction.Accepted) c).action())
            .filter(VlanAction.class::isInstance).map(VlanAction.class::cast).toList();
        if (!vlans.isEmpty()) {
          try {
            planner.connectivity(vlans, run.scope()).orElseThrow(() -> noPlanner(run))
                .forEach(p -> planned.put(p.actionId(), p));
          } catch (RuntimeException e) {
            String m = Failures.message(e, run.secrets());
            vlans.forEach(v -> planned.put(v.actionId(), ActionPlan.failed(v.actionId(), m)));
          }
        }
      }
      ArrayNode entries = codec.mapper().createArrayNode();
      for (CheckedAction c : checked) {
        ObjectNode entry = entries.addObject().put("actionId", c.actionId()).put("type", c.type());
        try {
          ActionPlan p = planned.containsKey(c.actionId()) ? planned.get(c.actionId())
              : new ActionPlan(c.actionId(), operations(run, planner, c, checked), "");
          if (!p.error().isEmpty()) {
            throw new ClientException(p.error());
          }
          entry.put("success", true);
          ArrayNode list = entry.putArray("operations");
          p.operations().forEach(op -> list.add(write(op)));
        } catch (RuntimeException e) {
          entry.put("success", false).put("error", Failures.message(e, run.secrets()));
        }
      }
      ObjectNode out = codec.mapper().createObjectNode().put("command", command.standardName());
      out.set("plan", entries);
      return run.secrets().redact(codec.write(out));
    }
  }

  /** Validated as the command validates them, refusing other commands' actions. */
  private static List<CheckedAction> check(CommandRun run, DriverRequest request) {
    SegmentKind kind = SegmentKind.VLAN;
    if (request.actions().stream().anyMatch(VlanAction.class::isInstance)) {
      try {
        kind = SegmentKind.ofVlanType(run.provider().raw(ProviderModel.VLAN_TYPE.name()));
      } catch (IllegalArgumentException e) {
        throw new ClientException(e.getMessage());
      }
    }
    List<CheckedAction> out = new java.util.ArrayList<>();
    for (CheckedAction c : RequestValidator.check(request, kind)) {
      boolean vlan = c.type().equals("setVlan") || c.type().equals("removeVlan");
      boolean ours = switch (run.command()) {
        case APPLY_CONNECTIVITY_CHANGES -> vlan;
        case CLEANUP_SANDBOX_INFRA -> c.type().equals("cleanupNetwork");
        default -> c.type().equals("deployApp") || c.type().equals("connectSubnet");
      };
      out.add(ours || !(c instanceof CheckedAction.Accepted) ? c : new CheckedAction.Rejected(
          c.actionId(), c.type(), "'" + c.type() + "' is not an action of "
          + run.command().standardName()));
    }
    return out;
  }

  private List<PlannedOperation> operations(CommandRun run, Planner planner, CheckedAction c,
      List<CheckedAction> all) {
    if (c instanceof CheckedAction.Rejected r) {
      throw new ClientException(r.reason());
    }
    // As Deploy pairs them: the connectSubnet actions go with the request's one deployApp,
    // whose plan lists their network interfaces.
    List<DeployApp> apps = accepted(all, DeployApp.class);
    if (((CheckedAction.Accepted) c).action() instanceof DeployApp app) {
      return deploy(run, planner, app, apps.size() == 1 ? accepted(all, ConnectSubnet.class)
          : List.of());
    }
    if (((CheckedAction.Accepted) c).action() instanceof ConnectSubnet) {
      if (apps.size() != 1) {
        throw new ClientException(apps.isEmpty()
            ? "connectSubnet needs a deployApp in the same Deploy request"
            : "the request has " + apps.size() + " deployApp actions; connectSubnet cannot tell"
                + " which one it belongs to");
      }
      return List.of();
    }
    if (c.type().equals("cleanupNetwork")) {
      return planner.cleanup(run.scope()).orElseThrow(() -> noPlanner(run));
    }
    throw new ClientException("'" + c.type() + "' actions are not planned");
  }

  private static <T> List<T> accepted(List<CheckedAction> all, Class<T> type) {
    return all.stream().filter(CheckedAction.Accepted.class::isInstance)
        .map(a -> ((CheckedAction.Accepted) a).action()).filter(type::isInstance)
        .map(type::cast).toList();
  }

  private List<PlannedOperation> deploy(CommandRun run, Planner planner, DeployApp app,
      List<ConnectSubnet> subnets) {
    if (app.actionParams() == null || app.actionParams().deployment() == null) {
      throw new ClientException("deployApp has no actionParams.deployment");
    }
    DeploymentOption option = run.resolver().option(run.provider(), app.deploymentPath());
    DeployApp.Deployment deployment = app.actionParams().deployment();
    AttributeValues values = new AttributeValues("deployment path '" + option.name() + "'",
        option.attributes(), deployment::attribute);
    return planner.deploy(new DeployRequest(app, subnets, option, values), run.scope())
        .orElseThrow(() -> noPlanner(run));
  }

  private ObjectNode write(PlannedOperation op) {
    ObjectNode n = codec.mapper().createObjectNode()
        .put("op", op.op().name().toLowerCase(Locale.ROOT)).put("kind", op.kind())
        .put("name", op.name()).put("id", op.id()).put("where", op.where());
    n.set("details", codec.mapper().valueToTree(op.details()));
    return n;
  }

  private static ClientException noPlanner(CommandRun run) {
    return new ClientException("Cloud Type '" + run.provider().raw("Cloud Type") + "' cannot"
        + " plan " + run.command().standardName());
  }
}
