package dev.hangar.driver.internal;

import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.result.ActionResult;
import dev.hangar.datamodel.result.ActionResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects results and hands back exactly one per checked action, in request order: a rejected
 * action gets its error, an action a backend left without a result gets an error saying so, and
 * a result for an actionId not in the request (or a second one) is dropped.
 */
public final class ResultAssembler {
  private final List<CheckedAction> actions;
  private final Map<String, ActionResult> results = new LinkedHashMap<>();
  private final SecretRedactor secrets;

  public ResultAssembler(List<CheckedAction> actions, SecretRedactor secrets) {
    this.actions = List.copyOf(actions);
    this.secrets = secrets;
    for (CheckedAction c : actions) {
      if (c instanceof CheckedAction.Rejected r) {
        // An unknown type is echoed as sent: mask it like the message (it may be a secret).
        results.put(key(r), ActionResults.failure(r.actionId(),
            r.type() == null ? null : secrets.redact(r.type()), r.reason()));
      }
    }
  }

  /** The first result for an action wins. */
  public void add(ActionResult result) {
    if (result != null && result.actionId() != null && !result.actionId().isEmpty()) {
      results.putIfAbsent(result.actionId(), result);
    }
  }

  public void fail(String actionId, String actionType, String message) {
    add(ActionResults.failure(actionId, actionType, message));
  }

  public boolean has(String actionId) {
    return results.containsKey(actionId);
  }

  public List<ActionResult> results() {
    List<ActionResult> out = new ArrayList<>(actions.size());
    for (CheckedAction c : actions) {
      ActionResult r = results.get(key(c));
      if (r == null) {
        r = ActionResults.failure(c.actionId(), c.type(),
            "the backend returned no result for this action; it may not have been applied");
      }
      out.add(Redaction.redact(r, secrets));
    }
    return out;
  }

  private static String key(CheckedAction c) {
    // Actions without an id cannot collide with real ids: key them by identity.
    return c.actionId() == null || c.actionId().isEmpty()
        ? "\u0000" + System.identityHashCode(c) : c.actionId();
  }
}
