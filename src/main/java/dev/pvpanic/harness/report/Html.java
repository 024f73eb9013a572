package dev.pvpanic.harness.report;

/**
 * Text made safe for HTML (and SVG/XML) element content and quoted attribute values: the one markup
 * escaper of the project. Everything a report shows comes from files a guest could influence
 * (console text ends up in messages), so every string goes through here: markup characters become
 * entities and control characters (terminal escape sequences, NUL) are dropped.
 */
public final class Html {
  private Html() {}

  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        case '\n', '\t' -> sb.append(c);
        default -> {
          if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
