"""ConvLSTM Cost Explorer: Keras-exact costs of ConvLSTM architectures."""
