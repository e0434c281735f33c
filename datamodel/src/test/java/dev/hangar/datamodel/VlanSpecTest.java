package dev.hangar.datamodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VlanSpecTest {
  private static JsonNode json(String text) throws Exception {
    return WireCodec.standard().mapper().readTree(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"4\"                 | 4",
      "\"10-11\"             | 10-11",
      "\"100-200,300\"       | 100-200,300",
      "[\"2\"]               | 2",
      "42                    | 42",
      "[\"100-200\", \"300\"] | 100-200,300",
      "\" 5 , 3-4 ,7 \"      | 3-5,7",
      "\"1,2,3,4094\"        | 1-3,4094",
      "[7, \"7\", \"6-8\"]   | 6-8"})
  void parsesEveryWireFormAndPrintsItCompactly(String wire, String compact) throws Exception {
    VlanSpec spec = VlanSpec.parse(json(wire));
    assertThat(spec).hasToString(compact);
    assertThat(VlanSpec.parse(compact)).isEqualTo(spec);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0                 | outside 1-4094",
      "4095              | outside 1-4094",
      "\"5000\"          | outside 1-4094",
      "\"abc\"           | not a VLAN id",
      "\"10-\"           | not a VLAN id",
      "\"20-10\"         | reversed",
      "\"\"              | empty",
      "[]                | empty",
      "null              | missing",
      "1.5               | must be a string",
      "{}                | must be a string",
      "\"99999999999\"   | not a VLAN id",
      "\"1,,2\"          | not a VLAN id"})
  void rejectsWithAClearReason(String wire, String reason) throws Exception {
    JsonNode node = json(wire);
    assertThatThrownBy(() -> VlanSpec.parse(node))
        .isInstanceOf(VlanSpecException.class).hasMessageContaining(reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"4095\"           | 4095",
      "16777215           | 16777215",
      "[\"5000\", 70000]  | 5000,70000",
      "\"100000-100002\"  | 100000-100002"})
  void vniIdsRunTo16777215(String wire, String compact) throws Exception {
    VlanSpec spec = VlanSpec.parse(json(wire), SegmentKind.VXLAN);
    assertThat(spec).hasToString(compact);
    assertThat(spec.contains(spec.toList().get(0))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0             | VNI 0 is outside 1-16777215",
      "16777216      | VNI 16777216 is outside 1-16777215",
      "\"abc\"       | not a VNI id or range",
      "\"9-8\"       | VNI range 9-8 is reversed",
      "\"\"          | VNI id is empty"})
  void vniIdsOutsideTheRangeAreRefusedAsVnis(String wire, String reason) throws Exception {
    JsonNode node = json(wire);
    assertThatThrownBy(() -> VlanSpec.parse(node, SegmentKind.VXLAN))
        .isInstanceOf(VlanSpecException.class).hasMessageContaining(reason);
  }

  @Test
  void vlanTypeNamesTheKindAndRefusesOtherValues() {
    assertThat(SegmentKind.ofVlanType(" vxlan ")).isEqualTo(SegmentKind.VXLAN);
    assertThat(SegmentKind.ofVlanType("VLAN")).isEqualTo(SegmentKind.VLAN);
    assertThat(SegmentKind.ofVlanType("")).isEqualTo(SegmentKind.VLAN);
    assertThatThrownBy(() -> SegmentKind.ofVlanType("GRE"))
        .hasMessage("attribute 'VLAN Type' is 'GRE'; use VLAN or VXLAN");
  }

  @Test
  void singleVlanAccessors() {
    assertThat(VlanSpec.parse("12").isSingle()).isTrue();
    assertThat(VlanSpec.parse("12").single()).isEqualTo(12);
    assertThat(VlanSpec.parse("12-13").isSingle()).isFalse();
    assertThatThrownBy(() -> VlanSpec.parse("12-13").single())
        .isInstanceOf(VlanSpecException.class);
    assertThat(VlanSpec.parse("1-4094").size()).isEqualTo(4094);
    assertThat(VlanSpec.parse("3,1").toList()).containsExactly(1, 3);
    assertThat(VlanSpec.of(9).contains(9)).isTrue();
  }

  @Test
  void errorNeverEchoesALongValue() {
    String junk = "x".repeat(500);
    assertThatThrownBy(() -> VlanSpec.parse(junk))
        .hasMessageNotContaining(junk).hasMessageContaining("...");
  }
}
