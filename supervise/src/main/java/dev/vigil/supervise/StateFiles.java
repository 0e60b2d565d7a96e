package dev.vigil.supervise;

import dev.vigil.common.ServiceDir;

/**
 * Where a supervised service's state files live, chosen once when it is taken in charge:
 * daemontools' {@code DIR/supervise/}, or the seed article's {@code status/NAME/} under
 * supervise's working directory. The layout names the files and encodes the record.
 *
 * @param layout the files' names and the record's format
 * @param path the state directory, relative to supervise's working directory (not to the
 *     directory svscan gives: svscan has no article layout); null: the
 *     service directory itself (daemontools', whose names say {@code supervise/})
 * @param shown how messages name the state directory; null: as the service directory
 */
record StateFiles(ServiceDir.Layout layout, String path, String shown) {
  /** daemontools': {@code supervise/} in the service directory. */
  static final StateFiles IN_SERVICE = new StateFiles(ServiceDir.Layout.DAEMONTOOLS, null, null);

  /** The article's: {@code status/NAME/}; {@code name} is a plain name (no slash, not . or ..). */
  static StateFiles article(String name) {
    String path = ServiceDir.Layout.ARTICLE_STATE + "/" + name;
    return new StateFiles(ServiceDir.Layout.ARTICLE, path, path);
  }

  /** Whether {@code name} may name a service in the article's layout: one entry of the current directory. */
  static boolean isArticleName(String name) {
    return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0;
  }

  /** Whether the state is in a directory of its own, reached from the working directory. */
  boolean isApart() {
    return path != null;
  }

  /** A state file as messages print it, given the service's name. */
  String show(String service, String file) {
    return (shown != null ? shown : service) + "/" + file;
  }
}
