"""Sample student chloe: careful with the data, shaky with Keras.

preprocess is right (tf.one_hot, explicit checks). build_cnn puts
activation="leaky_relu" into the Conv2D and Dense layers instead of LeakyReLU layers
(slope 0.2 whatever is asked; the parameter count is still right, so only the hidden
layer test catches it). train validates on its own training data. Expected losses:
build_cnn, train.
"""


def preprocess(x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    if x.shape[1:] != (28, 28) or x.ndim != 3:
        raise ValueError(f"images must be (n, 28, 28), got {x.shape}")
    if len(y) != len(x) or y.ndim != 1:
        raise ValueError("need exactly one label per image")
    if not ((y >= 0) & (y <= 9)).all():
        raise ValueError("labels must lie in 0..9")
    images = (x / 255).astype(np.float32)[:, :, :, np.newaxis]
    labels = tf.one_hot(y.astype(np.int32), 10).numpy().astype(np.float32)
    return images, labels


def build_cnn(negative_slope=0.1):
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, (3, 3), activation="leaky_relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Dropout(0.25),
        keras.layers.Conv2D(64, (3, 3), activation="leaky_relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Dropout(0.25),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="leaky_relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=(x, y),
                     verbose=VERBOSE)


explain_comparison = """
9 images of 10,000 is a tiny difference, probably just noise from the random start.
I would run it again a few times to check.
"""
