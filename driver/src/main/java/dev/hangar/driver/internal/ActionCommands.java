package dev.hangar.driver.internal;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.request.Action;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.DriverResponse;
import dev.hangar.driver.Command;
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
      "cleanupNetwork", Command.CLEANUP_SANDBOX_INFRA);

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
    for (CheckedAction c : RequestValidator.check(request)) {
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
