package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a QEMU build says about itself over QMP, read from {@code query-qmp-schema}, {@code
 * device-list-properties} of the pvpanic devices and {@code query-machines}: the facts the oracle
 * takes from the build instead of from its version string.
 *
 * @param version the version the build reports
 * @param events every QMP event name in the schema
 * @param commands every QMP command name in the schema
 * @param panicActions the values {@code set-action}'s {@code panic} member takes; empty without
 *     {@code set-action}
 * @param resetHasReason whether the RESET event carries {@code reason}
 * @param pvpanicDevices for each device type asked about ({@link #PROBED_DEVICES}: the pvpanic
 *     devices and the i6300esb watchdog) that the build has, the {@code events} property's default
 *     when the device has that property and reports a default (an absent key: no such device; an
 *     empty value: no {@code events} property)
 * @param eventsProperty the device types that have an {@code events} property at all
 * @param machineTypes every machine type name and alias
 * @param watchdogActions the values {@code set-action}'s {@code watchdog} member takes ({@code
 *     -action watchdog=}); empty without it
 * @param commandLineOptions from {@code query-command-line-options}: each command-line option the
 *     build has as an option list ({@code sandbox} only when built with seccomp, {@code run-with}),
 *     with its parameter names; plain flags such as {@code -runas} are not listed
 * @param migrationFileTransport whether {@code migrate}'s {@code channels} can name a {@code file}
 *     transport, i.e. the build takes {@code file:} migration URIs (QEMU 8.2 and later)
 */
public record QemuIntrospection(
    QemuVersion version,
    Set<String> events,
    Set<String> commands,
    Set<String> panicActions,
    boolean resetHasReason,
    Map<String, OptionalInt> pvpanicDevices,
    Set<String> eventsProperty,
    Set<String> machineTypes,
    Set<String> watchdogActions,
    Map<String, Set<String>> commandLineOptions,
    boolean migrationFileTransport) {

  /** The pvpanic device types asked about. */
  public static final java.util.List<String> PVPANIC_DEVICES =
      java.util.List.of("pvpanic", "pvpanic-pci");

  /** Every device type asked about: the pvpanic devices and the watchdog trigger's device. */
  public static final java.util.List<String> PROBED_DEVICES =
      java.util.List.of("pvpanic", "pvpanic-pci", "i6300esb");

  public QemuIntrospection {
    Objects.requireNonNull(version, "version");
    events = Set.copyOf(events);
    commands = Set.copyOf(commands);
    panicActions = Set.copyOf(panicActions);
    pvpanicDevices = Map.copyOf(pvpanicDevices);
    eventsProperty = Set.copyOf(eventsProperty);
    machineTypes = Set.copyOf(machineTypes);
    watchdogActions = Set.copyOf(watchdogActions);
    Map<String, Set<String>> options = new java.util.TreeMap<>();
    commandLineOptions.forEach((k, v) -> options.put(k, Set.copyOf(v)));
    commandLineOptions = java.util.Collections.unmodifiableMap(options);
  }

  /**
   * Reads the replies.
   *
   * @param schema the {@code query-qmp-schema} return value
   * @param deviceProperties for each pvpanic device type, its {@code device-list-properties} return
   *     value, or empty when QEMU answered that there is no such device
   * @param machines the {@code query-machines} return value
   */
  public static QemuIntrospection parse(
      QemuVersion version,
      JsonNode schema,
      Map<String, Optional<JsonNode>> deviceProperties,
      JsonNode machines) {
    return parse(
        version,
        schema,
        deviceProperties,
        machines,
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());
  }

  /**
   * Reads the replies, with {@code query-command-line-options}' return value {@code
   * commandLineOptions} (a list of {@code {option, parameters: [{name, ...}]}}).
   */
  public static QemuIntrospection parse(
      QemuVersion version,
      JsonNode schema,
      Map<String, Optional<JsonNode>> deviceProperties,
      JsonNode machines,
      JsonNode commandLineOptions) {
    Map<String, JsonNode> byName = new HashMap<>();
    Set<String> events = new TreeSet<>();
    Set<String> commands = new TreeSet<>();
    for (JsonNode entity : schema) {
      String name = entity.path("name").asText();
      byName.put(name, entity);
      switch (entity.path("meta-type").asText()) {
        case "event" -> events.add(name);
        case "command" -> commands.add(name);
        default -> {}
      }
    }
    Set<String> panicActions = new TreeSet<>();
    memberType(byName, byName.get("set-action"), "panic")
        .ifPresent(e -> panicActions.addAll(enumValues(e)));
    boolean resetHasReason = memberType(byName, byName.get("RESET"), "reason").isPresent();
    Set<String> watchdogActions = new TreeSet<>();
    memberType(byName, byName.get("set-action"), "watchdog")
        .ifPresent(e -> watchdogActions.addAll(enumValues(e)));

    Map<String, OptionalInt> devices = new LinkedHashMap<>();
    Set<String> withEvents = new TreeSet<>();
    deviceProperties.forEach(
        (type, reply) ->
            reply.ifPresent(
                properties -> {
                  OptionalInt dflt = OptionalInt.empty();
                  for (JsonNode p : properties) {
                    if (p.path("name").asText().equals("events")) {
                      withEvents.add(type);
                      if (p.has("default-value") && p.get("default-value").canConvertToInt()) {
                        dflt = OptionalInt.of(p.get("default-value").asInt());
                      }
                    }
                  }
                  devices.put(type, dflt);
                }));
    Set<String> machineTypes = new TreeSet<>();
    for (JsonNode m : machines) {
      machineTypes.add(m.path("name").asText());
      if (m.hasNonNull("alias")) {
        machineTypes.add(m.get("alias").asText());
      }
    }
    Map<String, Set<String>> options = new java.util.TreeMap<>();
    for (JsonNode o : commandLineOptions) {
      Set<String> parameters = new TreeSet<>();
      o.path("parameters").forEach(p -> parameters.add(p.path("name").asText()));
      options.merge(
          o.path("option").asText(),
          parameters,
          (a, b) -> {
            Set<String> both = new TreeSet<>(a);
            both.addAll(b);
            return both;
          });
    }
    return new QemuIntrospection(
        version,
        events,
        commands,
        panicActions,
        resetHasReason,
        devices,
        withEvents,
        machineTypes,
        watchdogActions,
        options,
        migrationFileTransport(byName));
  }

  /*
   * migrate's channels (QEMU 8.2, with the file: URI) are a list of MigrationChannel whose addr is a
   * union on its transport; the schema masks type names, so follow the members from the command.
   */
  private static boolean migrationFileTransport(Map<String, JsonNode> byName) {
    Optional<JsonNode> channels = memberType(byName, byName.get("migrate"), "channels");
    Optional<JsonNode> channel =
        channels.map(a -> byName.get(a.path("element-type").asText())).filter(Objects::nonNull);
    Optional<JsonNode> address =
        channel.flatMap(
            c -> {
              for (JsonNode m : c.path("members")) {
                if (m.path("name").asText().equals("addr")) {
                  return Optional.ofNullable(byName.get(m.path("type").asText()));
                }
              }
              return Optional.empty();
            });
    if (address.isEmpty()) {
      return false;
    }
    for (JsonNode v : address.get().path("variants")) {
      if (v.path("case").asText().equals("file")) {
        return true;
      }
    }
    return false;
  }

  /** The schema entity of member {@code member} of the arguments of a command or event. */
  private static Optional<JsonNode> memberType(
      Map<String, JsonNode> byName, JsonNode owner, String member) {
    if (owner == null || !owner.has("arg-type")) {
      return Optional.empty();
    }
    JsonNode args = byName.get(owner.get("arg-type").asText());
    if (args == null) {
      return Optional.empty();
    }
    for (JsonNode m : args.path("members")) {
      if (m.path("name").asText().equals(member)) {
        return Optional.ofNullable(byName.get(m.path("type").asText()));
      }
    }
    return Optional.empty();
  }

  /** An enum's values: {@code members[].name} from QEMU 6.2, {@code values} before. */
  private static Set<String> enumValues(JsonNode entity) {
    Set<String> values = new TreeSet<>();
    entity.path("values").forEach(v -> values.add(v.asText()));
    entity.path("members").forEach(m -> values.add(m.path("name").asText()));
    return values;
  }

  /** The {@code events} default of a device type, when the build has it and reports one. */
  public OptionalInt eventsDefault(String deviceType) {
    return pvpanicDevices.getOrDefault(deviceType, OptionalInt.empty());
  }

  /** Whether the build has command-line option {@code option} with parameter {@code parameter}. */
  public boolean hasOptionParameter(String option, String parameter) {
    return commandLineOptions.getOrDefault(option, Set.of()).contains(parameter);
  }

  public boolean hasDevice(String deviceType) {
    return pvpanicDevices.containsKey(deviceType);
  }
}
