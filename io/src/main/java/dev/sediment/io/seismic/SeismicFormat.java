package dev.sediment.io.seismic;

/** The seismic file formats Sediment reads; {@link #label()} is the name users see. */
public enum SeismicFormat {
  SEGY("SEG-Y"),
  SEG2("SEG-2"),
  MSEED2("miniSEED2"),
  MSEED3("miniSEED3"),
  SAC("SAC");

  private final String label;

  SeismicFormat(String label) {
    this.label = label;
  }

  /** The name used in {@code inspect} output and in trace records: "SEG-Y", "miniSEED2", ... */
  public String label() {
    return label;
  }

  /** The format with this {@link #label()} or enum name, case-insensitive. */
  public static SeismicFormat parse(String s) {
    for (SeismicFormat f : values()) {
      if (f.label.equalsIgnoreCase(s) || f.name().equalsIgnoreCase(s)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown seismic format '" + s + "'; expected one of SEG-Y, SEG-2, miniSEED2, miniSEED3, SAC");
  }
}
