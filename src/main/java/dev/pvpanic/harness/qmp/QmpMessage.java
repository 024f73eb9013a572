package dev.pvpanic.harness.qmp;

/**
 * One line QEMU sends on the monitor, decoded by {@link QmpCodec}: the greeting, a command's
 * success or error reply, or an asynchronous event.
 */
public sealed interface QmpMessage permits Greeting, Success, ErrorReply, QmpEvent {}
