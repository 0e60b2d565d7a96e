package dev.vigil.common;

/** What the supervisor wants of the service: status byte 17. */
public enum Want {
  UP('u'),
  DOWN('d'),
  /** "once": run if started, never restart (byte 0). */
  NONE(0);

  public final byte code;

  Want(int code) {
    this.code = (byte) code;
  }

  /** The wish a status byte encodes; daemontools treats anything but {@code u} and {@code d} as none. */
  public static Want of(byte code) {
    return code == 'u' ? UP : code == 'd' ? DOWN : NONE;
  }
}
