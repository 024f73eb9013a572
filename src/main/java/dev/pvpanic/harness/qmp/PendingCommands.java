package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Commands sent and not yet answered, by id: the reader completes them as replies arrive. */
final class PendingCommands {

  /** One command awaiting its reply. */
  record Pending(String id, String command, CompletableFuture<JsonNode> reply) {}

  private final ConcurrentHashMap<String, Pending> byId = new ConcurrentHashMap<>();
  private final AtomicLong lastId = new AtomicLong();

  /** Registers a command under a new id, unique for this client: {@code pvh-1}, {@code pvh-2}… */
  Pending register(String command) {
    Pending pending =
        new Pending("pvh-" + lastId.incrementAndGet(), command, new CompletableFuture<>());
    byId.put(pending.id(), pending);
    return pending;
  }

  /** Takes the command out; empty if it was answered, timed out or failed already. */
  Optional<Pending> remove(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(byId.remove(id));
  }

  /** Fails every command still waiting, each with its own exception. */
  void failAll(Function<Pending, ? extends Throwable> failure) {
    for (String id : byId.keySet()) {
      remove(id)
          .ifPresent(pending -> pending.reply().completeExceptionally(failure.apply(pending)));
    }
  }

  int size() {
    return byId.size();
  }
}
