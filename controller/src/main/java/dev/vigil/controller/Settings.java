package dev.vigil.controller;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a {@link DaemonController.Builder} was told, checked; what the two kinds of daemon
 * read their options from.
 */
record Settings(
    String identifier,
    String startCommand,
    String stopCommand,
    Pinger ping,
    Path pidFile,
    Path logFile,
    Runnable beforeStart,
    Duration startTimeout,
    Duration startAbortTimeout,
    Duration stopTimeout,
    Duration logFileActivityTimeout,
    Duration pingInterval) {}
