package dev.hangar.pack;

import dev.hangar.driver.Command;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code drivermetadata.xml}: how the platform shows and orchestrates each command. Display names,
 * categories and tags follow the platform's cloud provider shells: {@code allow_unreserved} for
 * what the orchestrator calls on the provider outside a reservation's resources,
 * {@code remote_connectivity}/{@code remote_app_management} with {@code allow_shared} for commands
 * run on a deployed app, {@code power} for power. {@code EnableCancellation} comes from
 * {@link Command#cancellable()}, the driver's own truth.
 */
public final class DriverMetadata {
  public static final String CONNECTIVITY = "Connectivity";
  public static final String POWER = "Power";
  public static final String HIDDEN = "Hidden Commands";

  /** One command as the platform lists it. */
  public record Entry(Command command, String category, String displayName, String tags,
      String description) {
    public boolean cancellable() {
      return command.cancellable();
    }
  }

  private DriverMetadata() {}

  /**
   * How the platform lists a command; empty for get_inventory, which the platform runs itself as
   * the resource's auto-discovery and never lists. The switch is exhaustive, so a new command
   * does not compile until it has a place here.
   */
  public static Optional<Entry> entry(Command c) {
    return Optional.ofNullable(switch (c) {
      case GET_INVENTORY -> null;
      case DEPLOY -> new Entry(c, HIDDEN, "Deploy", "allow_unreserved",
          "Creates the app's VM from its deployment path.");
      case POWER_ON -> new Entry(c, POWER, "Power On", "power", "Powers the VM on.");
      case POWER_OFF -> new Entry(c, POWER, "Power Off", "power", "Powers the VM off.");
      case DELETE_INSTANCE -> new Entry(c, HIDDEN, "Delete Instance",
          "remote_app_management,allow_shared", "Deletes the VM; a VM already gone is success.");
      case GET_VM_DETAILS -> new Entry(c, HIDDEN, "Get VM Details", "allow_unreserved",
          "Reads the VMs' properties and network data.");
      case REMOTE_REFRESH_IP -> new Entry(c, CONNECTIVITY, "Refresh IP",
          "remote_connectivity,allow_shared", "Waits for the VM's IP and sets it on the app.");
      case APPLY_CONNECTIVITY_CHANGES -> new Entry(c, CONNECTIVITY, "Apply Connectivity Changes",
          "allow_unreserved", "Connects and disconnects vNICs to VLANs (L2).");
      case PREPARE_SANDBOX_INFRA -> new Entry(c, CONNECTIVITY, "Prepare Sandbox Infra",
          "allow_unreserved", "Creates the sandbox's network, subnets and keys (L3).");
      case CLEANUP_SANDBOX_INFRA -> new Entry(c, CONNECTIVITY, "Cleanup Sandbox Infra",
          "allow_unreserved", "Removes everything the sandbox's infra setup made (L3).");
      case SET_APP_SECURITY_GROUPS -> new Entry(c, HIDDEN, "Set App Security Groups",
          "allow_unreserved", "Opens the apps' inbound ports (L3).");
    });
  }

  /** The listed commands by category, in category order then {@link Command} order. */
  public static Map<String, List<Entry>> layout() {
    Map<String, List<Entry>> out = new LinkedHashMap<>();
    for (String category : List.of(CONNECTIVITY, POWER, HIDDEN)) {
      out.put(category, new ArrayList<>());
    }
    for (Command c : Command.values()) {
      entry(c).ifPresent(e -> out.get(e.category()).add(e));
    }
    return out;
  }

  /** The XML text. */
  public static String generate() {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      w.writeStartDocument("UTF-8", "1.0");
      newline(w, 0);
      w.writeStartElement("Driver");
      w.writeAttribute("Name", ShellFiles.driverName());
      w.writeAttribute("Version", ShellFiles.VERSION);
      w.writeAttribute("MainClass", PythonDriver.MAIN_CLASS);
      w.writeAttribute("Description", "Hangar cloud provider: forwards each command to a hangar"
          + " serve host (KVM, AWS, OpenStack behind the Custom Cloud Provider standard).");
      // Without it the platform runs the driver with Python 2.
      w.writeAttribute("PythonVersion", "3");
      newline(w, 1);
      w.writeStartElement("Layout");
      for (Map.Entry<String, List<Entry>> category : layout().entrySet()) {
        newline(w, 2);
        w.writeStartElement("Category");
        w.writeAttribute("Name", category.getKey());
        for (Entry e : category.getValue()) {
          newline(w, 3);
          w.writeEmptyElement("Command");
          w.writeAttribute("Name", e.command().standardName());
          w.writeAttribute("DisplayName", e.displayName());
          w.writeAttribute("Description", e.description());
          w.writeAttribute("Tags", e.tags());
          if (e.cancellable()) {
            w.writeAttribute("EnableCancellation", "true");
          }
        }
        newline(w, 2);
        w.writeEndElement();
      }
      newline(w, 1);
      w.writeEndElement();
      newline(w, 0);
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write " + ShellFiles.DRIVER_METADATA, e);
    }
    return text + "\n";
  }

  private static void newline(XMLStreamWriter w, int depth) throws XMLStreamException {
    w.writeCharacters("\n" + "  ".repeat(depth));
  }
}
