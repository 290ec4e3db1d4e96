package io.vigil.guard.server;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A response stream that keeps every message and completes {@code done} when the stream ends. */
final class CollectingObserver<T> implements StreamObserver<T> {
  final List<T> responses = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> done = new CompletableFuture<>();

  @Override
  public void onNext(T value) {
    responses.add(value);
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    done.complete(null);
  }
}
