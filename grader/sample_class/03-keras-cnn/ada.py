"""Sample student ada: everything right, in the functional API.

Validates before converting, one-hot with keras.utils.to_categorical cast to float32, a
functional model, fit with keyword arguments. Expected: full autograded marks.
"""


def preprocess(x, y):
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (n, 28, 28), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"expected {x.shape[0]} labels in shape ({x.shape[0]},), got {y.shape}")
    if np.any(y < 0) or np.any(y > 9):
        raise ValueError("labels must be digits 0..9")
    images = x.reshape(-1, 28, 28, 1).astype("float32") / 255.0
    labels = keras.utils.to_categorical(y, num_classes=10).astype("float32")
    return images, labels


def build_cnn(negative_slope=0.1):
    inputs = keras.Input(shape=(28, 28, 1))
    h = inputs
    for filters in (32, 64):
        h = keras.layers.Conv2D(filters, (3, 3))(h)
        h = keras.layers.LeakyReLU(negative_slope=negative_slope)(h)
        h = keras.layers.MaxPooling2D((2, 2))(h)
        h = keras.layers.Dropout(0.25)(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(256)(h)
    h = keras.layers.LeakyReLU(negative_slope=negative_slope)(h)
    outputs = keras.layers.Dense(10, activation="softmax")(h)
    model = keras.Model(inputs, outputs, name="ada_cnn")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def train(model, x, y, epochs, batch_size=250, validation_split=0.2):
    return model.fit(x, y, epochs=epochs, batch_size=batch_size,
                     validation_split=validation_split, verbose=VERBOSE)


explain_comparison = """
The article's gap is 0.9928 - 0.9919 = 0.0009, which is 9 test images out of 10,000.
With about 80 errors in 10,000 the standard error of one accuracy is roughly
sqrt(0.992 * 0.008 / 10000) = 0.0009, so the gap is one standard error, and the test
loss ranks them the other way. A different seed changes the initial weights, dropout and
batch order, which moves one network's accuracy by about as much. To decide, I would
train each activation with 5-10 seeds and compare the mean accuracies with their spread.
Dying units are unlikely here: the inputs are in [0, 1], the network is shallow and Adam
takes small steps, so there is little for the leak to fix.
"""
