package dev.hangar.driver.internal;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.request.VlanAction;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.driver.Command;
import dev.hangar.options.ProviderModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frame of every command whose request is a list of actions: read, validate, refuse actions
 * that belong to another command, run the rest, and answer one result per action.
 */
public final class ActionCommands {
  /** Which command each action type belongs to. */
  private static final Map<String, Command> OWNER = Map.of(
      "deployApp", Command.DEPLOY,
      "connectSubnet", Command.DEPLOY,
      "setVlan", Command.APPLY_CONNECTIVITY_CHANGES,
      "removeVlan", Command.APPLY_CONNECTIVITY_CHANGES,
      "prepareCloudInfra", Command.PREPARE_SANDBOX_INFRA,
      "createKeys", Command.PREPARE_SANDBOX_INFRA,
      "prepareSubnet", Command.PREPARE_SANDBOX_INFRA,
      "cleanupNetwork", Command.CLEANUP_SANDBOX_INFRA,
      "SaveApp", Command.SAVE_APP,
      "DeleteSavedApp", Command.DELETE_SAVED_APPS);

  /** Runs the accepted actions of one command, adding their results. */
  @FunctionalInterface
  public interface Executor {
    void run(List<Action> accepted, ResultAssembler results);
  }

  private final WireCodec codec;

  public ActionCommands(WireCodec codec) {
    this.codec = codec;
  }

  public String run(CommandRun run, String requestJson, Executor executor) {
    DriverRequest request = CommandRun.read(() -> codec.readDriverRequest(requestJson));
    List<CheckedAction> checked = new ArrayList<>();
    SegmentKind kind = SegmentKind.VLAN;
    String badVlanType = null;
    try {
      kind = segmentKind(run, request);
    } catch (IllegalArgumentException e) {
      // Checked against the widest range, so that the VLAN actions fail for the attribute.
      kind = SegmentKind.VXLAN;
      badVlanType = e.getMessage();
    }
    for (CheckedAction c : RequestValidator.check(request, kind)) {
      if (badVlanType != null && c instanceof CheckedAction.Accepted a
          && a.action() instanceof VlanAction) {
        c = new CheckedAction.Rejected(c.actionId(), c.type(), badVlanType);
      }
      checked.add(ownedBy(c, run.command()));
    }
    run.log().actions(checked.size());
    ResultAssembler results = new ResultAssembler(checked, run.secrets());
    List<Action> accepted = checked.stream()
        .filter(c -> c instanceof CheckedAction.Accepted)
        .map(c -> ((CheckedAction.Accepted) c).action())
        .toList();
    if (!accepted.isEmpty()) {
      try {
        executor.run(accepted, results);
      } catch (RuntimeException e) {
        String m = Failures.message(e, run.secrets());
        for (Action a : accepted) {
          if (!results.has(a.actionId())) {
            results.fail(a.actionId(), a.type(), m);
          }
        }
      }
    }
    List<ActionResult> out = results.results();
    long failed = out.stream().filter(r -> !r.success()).count();
    run.log().outcome(failed == 0 ? "ok" : failed + " of " + out.size() + " failed");
    return codec.writeDriverResponse(new DriverResponse(out));
  }

  /**
   * How the request's VLAN ids read: by the provider's {@code VLAN Type}, which only a request
   * with VLAN actions needs (a bad value is refused on each VLAN action, and nowhere else).
   *
   * @throws IllegalArgumentException for a VLAN Type that is neither VLAN nor VXLAN
   */
  private static SegmentKind segmentKind(CommandRun run, DriverRequest request) {
    if (request.actions().stream().noneMatch(a -> a instanceof VlanAction)) {
      return SegmentKind.VLAN;
    }
    return SegmentKind.ofVlanType(run.provider().raw(ProviderModel.VLAN_TYPE.name()));
  }

  private static CheckedAction ownedBy(CheckedAction c, Command command) {
    if (!(c instanceof CheckedAction.Accepted)) {
      return c;
    }
    Command owner = OWNER.get(c.type());
    if (owner == command) {
      return c;
    }
    return new CheckedAction.Rejected(c.actionId(), c.type(), "'" + c.type()
        + "' is not an action of " + command.standardName() + "; it belongs to "
        + owner.standardName());
  }
}
