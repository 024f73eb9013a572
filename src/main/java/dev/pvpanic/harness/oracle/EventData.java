package dev.pvpanic.harness.oracle;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Equality and rendering of QMP event {@code data}: JSON objects as maps of strings, booleans,
 * numbers, lists and maps.
 */
final class EventData {
  private EventData() {}

  /**
   * Exact equality: the same keys, equal values. Numbers compare by value (Jackson may give an
   * Integer where the expectation holds a Long); nothing else is loosened.
   */
  static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Map.Entry<?, ?> entry : x.entrySet()) {
        if (!equal(entry.getValue(), y.get(entry.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!equal(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  /** {@code NAME {key: value, ...}}, keys sorted so equal data always reads the same. */
  static String describe(String name, Map<String, Object> data) {
    return data.isEmpty() ? name : name + " " + value(data);
  }

  private static String value(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new TreeMap<>(map)
          .entrySet().stream()
              .map(e -> e.getKey() + ": " + value(e.getValue()))
              .collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(EventData::value).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }
}
