package dev.pvpanic.harness.qmp;

/** Why the connection ended; decides what each waiter is told. */
record QmpTermination(String reason, Throwable cause, boolean protocolError) {
  QmpException whileWaitingFor(String what, String client) {
    String message = reason + " while waiting for " + what + client;
    return protocolError
        ? new QmpProtocolException(message, cause)
        : new QmpDisconnectedException(message, cause);
  }

  QmpDisconnectedException refusing(String command, String client) {
    return new QmpDisconnectedException(reason + "; cannot send '" + command + "'" + client, cause);
  }
}
