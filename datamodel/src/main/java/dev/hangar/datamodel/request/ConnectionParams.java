package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.VlanSpec;
import java.util.List;
import java.util.Locale;

/**
 * {@code setVlanParameter}. {@code vlanId} is kept as sent (string, number or list) so a request
 * reads back unchanged; {@link #vlans()} parses it.
 */
public record ConnectionParams(
    JsonNode vlanId, String mode, List<Attribute> vlanServiceAttributes) {

  /** The VLANs of {@code vlanId}; throws {@link dev.hangar.datamodel.VlanSpecException}. */
  public VlanSpec vlans() {
    return VlanSpec.parse(vlanId);
  }

  /** The ids of {@code vlanId} as {@code kind} (VLANs or VNIs). */
  public VlanSpec vlans(dev.hangar.datamodel.SegmentKind kind) {
    return VlanSpec.parse(vlanId, kind);
  }

  /** Access or Trunk; null when the mode is missing or not one of those. */
  @JsonIgnore
  public VlanMode vlanMode() {
    return VlanMode.fromWire(mode);
  }

  /** True when the VLAN service asks for QinQ ({@code QnQ} = True). */
  @JsonIgnore
  public boolean qinq() {
    String v = Attributes.find(vlanServiceAttributes, "QnQ");
    return v != null && v.strip().toLowerCase(Locale.ROOT).matches("true|yes|enabled");
  }
}
