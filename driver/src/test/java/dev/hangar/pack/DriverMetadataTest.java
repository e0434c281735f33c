package dev.hangar.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.Command;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DriverMetadataTest {
  private static Document parse() throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(
        new ByteArrayInputStream(DriverMetadata.generate().getBytes(StandardCharsets.UTF_8)));
  }

  /** Each listed command's element, by its Name. */
  private static Map<String, Element> commands(Document doc) {
    Map<String, Element> out = new HashMap<>();
    NodeList list = doc.getElementsByTagName("Command");
    for (int i = 0; i < list.getLength(); i++) {
      Element e = (Element) list.item(i);
      assertThat(out.put(e.getAttribute("Name"), e)).as("listed twice").isNull();
    }
    return out;
  }

  @Test
  void listsEveryCommandButTheAutoloadOnceWithItsStandardName() throws Exception {
    Document doc = parse();
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("Driver");
    assertThat(doc.getDocumentElement().getAttribute("Name")).isEqualTo(ShellFiles.driverName());
    // The execution server imports driver.py's class, under Python 3 only when told so.
    assertThat(doc.getDocumentElement().getAttribute("MainClass"))
        .isEqualTo("driver.HangarCloudProviderDriver");
    assertThat(doc.getDocumentElement().getAttribute("PythonVersion")).isEqualTo("3");
    List<String> expected = Arrays.stream(Command.values())
        .filter(c -> c != Command.GET_INVENTORY).map(Command::standardName).toList();
    assertThat(commands(doc).keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void cancellationCategoriesAndTagsFollowTheDriverAndThePlatform() throws Exception {
    Map<String, Element> commands = commands(parse());
    for (Command c : Command.values()) {
      Element e = commands.get(c.standardName());
      if (e == null) {
        continue;
      }
      assertThat(e.getAttribute("EnableCancellation").equals("true")).as(c.standardName())
          .isEqualTo(c.cancellable());
      assertThat(e.getAttribute("DisplayName")).isNotBlank();
      String tags = e.getAttribute("Tags");
      String category = ((Element) e.getParentNode()).getAttribute("Name");
      if (category.equals(DriverMetadata.POWER) || c == Command.POWER_CYCLE) {
        assertThat(tags).isEqualTo("power");
      } else if (c.contextType() == ResourceRemoteCommandContext.class) {
        // Run on a deployed app: shared between sandboxes for the standard's commands; the
        // snapshot and configuration commands also outside a reservation, as vCenter lists them.
        assertThat(tags).startsWith("remote_").matches(".*,allow_(shared|unreserved)");
      } else {
        assertThat(tags).isEqualTo("allow_unreserved");
      }
    }
    assertThat(commands.get("remote_refresh_ip").getAttribute("EnableCancellation"))
        .isEqualTo("true");
    assertThat(((Element) commands.get("Deploy").getParentNode()).getAttribute("Name"))
        .isEqualTo(DriverMetadata.HIDDEN);
    assertThat(((Element) commands.get("ApplyConnectivityChanges").getParentNode())
        .getAttribute("Name")).isEqualTo(DriverMetadata.CONNECTIVITY);
  }

  /** The commands beyond the standard, where and how the vCenter 2G shell lists them. */
  @Test
  void theCommandsBeyondTheStandardSitWhereVcenterListsThem() throws Exception {
    Map<String, Element> commands = commands(parse());
    Map<String, String> categories = Map.of("remote_save_snapshot", "Snapshot",
        "remote_get_snapshots", "Snapshot", "remote_restore_snapshot", "Snapshot",
        "remote_remove_snapshot", "Snapshot", "DeleteSavedApps", "Snapshot",
        "reconfigure_vm", "Configuration", "get_vm_console", "Configuration",
        "SaveApp", "Hidden Commands", "validate_attributes", "Hidden Commands",
        "get_attribute_hints", "Hidden Commands");
    categories.forEach((name, category) -> assertThat(((Element) commands.get(name)
        .getParentNode()).getAttribute("Name")).as(name).isEqualTo(category));
    assertThat(((Element) commands.get("PowerCycle").getParentNode()).getAttribute("Name"))
        .isEqualTo("Hidden Commands");
    assertThat(commands.get("remote_save_snapshot").getAttribute("DisplayName"))
        .isEqualTo("Save Snapshot");
    assertThat(commands.get("remote_save_snapshot").getAttribute("Tags"))
        .isEqualTo("remote_connectivity,allow_unreserved");
    assertThat(commands.get("DeleteSavedApps").getAttribute("EnableCancellation"))
        .isEqualTo("true");
    assertThat(commands.get("SaveApp").getAttribute("EnableCancellation")).isEqualTo("true");
    assertThat(commands.get("reconfigure_vm").getAttribute("Visibility")).isEqualTo("AdminOnly");
  }

  /** Each command's Parameters are its Command.parameters(), in order, with their lookups. */
  @Test
  void parametersComeFromTheCommandList() throws Exception {
    Map<String, Element> commands = commands(parse());
    for (Command c : Command.values()) {
      Element e = commands.get(c.standardName());
      if (e == null) {
        continue;
      }
      NodeList params = e.getElementsByTagName("Parameter");
      assertThat(params.getLength()).as(c.standardName()).isEqualTo(c.parameters().size());
      for (int i = 0; i < params.getLength(); i++) {
        Element p = (Element) params.item(i);
        dev.hangar.driver.CommandParameter expected = c.parameters().get(i);
        assertThat(p.getAttribute("Name")).isEqualTo(expected.name());
        assertThat(p.getAttribute("DisplayName")).isEqualTo(expected.displayName());
        assertThat(p.getAttribute("Mandatory")).isEqualTo(expected.mandatory() ? "True" : "False");
        assertThat(p.getAttribute("DefaultValue")).isEqualTo(expected.defaultValue());
      }
    }
    Element save = (Element) commands.get("remote_save_snapshot")
        .getElementsByTagName("Parameter").item(1);
    assertThat(save.getAttribute("Name")).isEqualTo("save_memory");
    assertThat(save.getAttribute("Type")).isEqualTo("Lookup");
    assertThat(save.getAttribute("AllowedValues")).isEqualTo("Yes,No");
    assertThat(save.getAttribute("DefaultValue")).isEqualTo("No");
    Element hdd = (Element) commands.get("reconfigure_vm")
        .getElementsByTagName("Parameter").item(2);
    assertThat(hdd.getAttribute("Name")).isEqualTo("hdd");
    assertThat(hdd.getAttribute("Type")).isEqualTo("String");
    assertThat(hdd.getAttribute("Mandatory")).isEqualTo("False");
  }
}
