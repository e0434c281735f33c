/**
 * What the blueprint designer's app form sends: validate_attributes and get_attribute_hints, in
 * the vCenter 2G shell's PascalCase shapes (they are not driverRequests).
 */
package dev.hangar.datamodel.designer;
