package dev.hangar.datamodel.request;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.datamodel.VlanSpec;
import dev.hangar.datamodel.VlanSpecException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the protocol's strict rules to each action on its own: a missing actionId, a duplicate
 * actionId, an unknown or malformed action, a bad VLAN spec, an Access or QnQ action with more than
 * one VLAN. A rejected action never affects the others.
 *
 * <p>Actions that share an actionId are all rejected, and reported once: the server could not
 * tell which result belongs to which, and a response must never repeat an actionId.
 */
public final class RequestValidator {
  private RequestValidator() {}

  public static List<CheckedAction> check(DriverRequest request) {
    return check(request, SegmentKind.VLAN);
  }

  /**
   * {@link #check(DriverRequest)} with the VLAN actions' ids read as {@code kind}: VLANs
   * (1–4094) or, for a provider whose {@code VLAN Type} is VXLAN, VNIs (1–16 777 215).
   */
  public static List<CheckedAction> check(DriverRequest request, SegmentKind kind) {
    Map<String, Integer> counts = new HashMap<>();
    for (Action a : request.actions()) {
      if (hasId(a)) {
        counts.merge(a.actionId(), 1, Integer::sum);
      }
    }
    List<CheckedAction> out = new ArrayList<>();
    Set<String> reportedDuplicates = new LinkedHashSet<>();
    int index = 0;
    for (Action a : request.actions()) {
      index++;
      if (hasId(a) && counts.get(a.actionId()) > 1) {
        if (reportedDuplicates.add(a.actionId())) {
          out.add(new CheckedAction.Rejected(a.actionId(), a.type(), "actionId '" + a.actionId()
              + "' appears " + counts.get(a.actionId()) + " times in the request; none of those"
              + " actions was run (every action needs its own id)"));
        }
        continue;
      }
      out.add(checkOne(a, index, kind));
    }
    return out;
  }

  private static CheckedAction checkOne(Action a, int index, SegmentKind kind) {
    if (!hasId(a)) {
      String what = a.type() == null ? "action #" + index : "action #" + index + " (" + a.type()
          + ")";
      return new CheckedAction.Rejected("", a.type(), what + " has no actionId");
    }
    if (a instanceof UnrecognizedAction u) {
      return new CheckedAction.Rejected(u.actionId(), u.type(), u.reason());
    }
    String problem = a instanceof VlanAction v ? vlanProblem(v, kind) : null;
    return problem == null
        ? new CheckedAction.Accepted(a)
        : new CheckedAction.Rejected(a.actionId(), a.type(), problem);
  }

  /** The reason a VLAN action cannot run, or null. */
  public static String vlanProblem(VlanAction v) {
    return vlanProblem(v, SegmentKind.VLAN);
  }

  /** The reason a VLAN action whose ids are of {@code kind} cannot run, or null. */
  public static String vlanProblem(VlanAction v, SegmentKind kind) {
    ConnectionParams params = v.connectionParams();
    if (params == null) {
      return v.type() + " has no connectionParams";
    }
    VlanSpec vlans;
    try {
      vlans = params.vlans(kind);
    } catch (VlanSpecException e) {
      return "bad vlanId: " + e.getMessage();
    }
    VlanMode mode = params.vlanMode();
    if (params.mode() != null && mode == null) {
      return "mode must be Access or Trunk";
    }
    if (mode != VlanMode.TRUNK && !vlans.isSingle()) {
      return (mode == null ? "a port without a mode is Access, which" : "Access mode")
          + " takes a single " + kind.noun() + ", not " + vlans + "; use Trunk for several";
    }
    if (params.qinq() && !vlans.isSingle()) {
      return "QnQ takes a single service VLAN, not " + vlans;
    }
    return null;
  }

  private static boolean hasId(Action a) {
    return a.actionId() != null && !a.actionId().isBlank();
  }
}
