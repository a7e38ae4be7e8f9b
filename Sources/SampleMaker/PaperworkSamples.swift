// Placeholder while the sample maker is being written in a scratch package; replaced shortly.
print("paperwork-samples: not ready yet")
